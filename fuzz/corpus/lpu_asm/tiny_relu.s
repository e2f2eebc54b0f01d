.arch tiny
.queue MEM.E.0
    read a=0 s=W0
.queue VXM.0
    nop n=3
    relu in=W0 out=E1 type=i8

.arch lp30
.queue MEM.W.95
    read a=0x10 s=E31
.queue MXM.E.1
    lw s=E24..E31 plane=1

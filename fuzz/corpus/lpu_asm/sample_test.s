
.arch tsp-v1
# copy a vector from slice 12 to slice 30 of the east hemisphere
.queue MEM.E.12
    read a=0x000 s=E3
    repeat n=319 d=1 astride=1
.queue MEM.E.30
    nop n=7
    write a=0x800 s=E3
.queue VXM.3
    add in=E3,E4 out=W5 type=f32
.queue MXM.W.0
    lw s=E0..E7 plane=0 buf=1
    abc s=E16 plane=0 n=26
.queue C2C.5
    send s=W8 link=5 n=52

# Read two vectors from east-hemisphere slices, add them in the VXM as FP32
# (4 streams per vector) and write the sum back to slice 30.
.arch tsp-v1
.queue MEM.E.12
    read a=0x000 s=E0
    repeat n=3 d=1 astride=1
.queue MEM.E.13
    read a=0x000 s=E4
    repeat n=3 d=1 astride=1
.queue VXM.0
    nop n=4
    add in=E0..E3,E4..E7 out=W0..W3 type=f32
.queue MEM.E.30
    nop n=12
    write a=0x100 s=W0
    repeat n=3 d=1 astride=1

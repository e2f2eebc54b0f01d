# One instruction or more of every opcode, on the queue of its unit (tsp-v1).
.arch tsp-v1
.map 1 319..0
.map 2 0 0 1 1 -1 -1 6..15
.queue MEM.E.12
    read a=0x000 s=E3
    repeat n=319 d=1 astride=1
    gather s=E5 addr=E6
    sync
.queue MEM.W.30
    nop n=7
    write a=0x800 s=W3
    scatter s=W5 addr=W6
    notify
.queue VXM.3
    add in=E3,E4 out=W5 type=f32
    sub in=E0..E3,E4..E7 out=W0..W3 type=i32
    mul in=E1,E2 out=E3 type=bf16
    max in=E1,E2 out=E3 type=f16
    min in=E1,E2 out=E3 type=i16
    cmp_gt in=E1,E2 out=E3 type=i8
    select in=E1,E2,E3 out=E4 type=f8
    neg in=E1 out=E2 type=i8
    abs in=E1 out=E2 type=i8
    relu in=E1..E2 out=E3..E4 type=f16
    exp in=E1..E4 out=W1..W4 type=f32
    tanh in=E1..E2 out=W1..W2 type=bf16
    rsqrt in=E1..E4 out=W1..W4 type=f32
    recip in=E1..E4 out=W1..W4 type=f32
    conv in=E0..E3 out=W0..W3 from=i32 to=f32
.queue MXM.W.0
    lw s=E0..E7 plane=0 buf=1 type=i8
    iw plane=0 buf=1
    abc s=E16 plane=0 n=26 type=i8
    acc out=W0..W3 plane=0 n=26 type=i32
.queue SXM.E.0
    shift in=E0 out=W0 lanes=-4
    permute in=E0 out=W0 map=1
    distribute in=E1 out=W1 map=2
    transpose in=E0..E15 out=W0..W15
    rotate in=E2 out=W2 n=5
.queue C2C.5
    send s=W8 link=5 n=52
    recv s=E8 link=5 n=52
    deskew

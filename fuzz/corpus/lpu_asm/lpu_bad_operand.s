.arch tsp-v1
.queue VXM.2
    add in=E1 out=E2 typ=f32

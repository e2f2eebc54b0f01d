.arch tsp-v1
.queue MEM.E.12
    read a=0 s=W0
.queue MEM.E.30
    write a=5 s=E0

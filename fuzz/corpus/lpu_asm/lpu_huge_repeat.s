.arch tsp-v1
.queue MEM.E.1
    read a=0 s=W0
    repeat n=99999999999 d=1

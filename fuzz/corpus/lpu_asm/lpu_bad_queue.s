.arch tsp-v1
.queue MEM.W.50
    read a=0 s=E1

.arch tsp-v1
.queue MEM.E.0
    gather s=E0 addr=W1,W2,W3

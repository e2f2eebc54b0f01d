.arch tsp-v1
.queue SXM.E.0
    permute in=E0 out=W0 map=7

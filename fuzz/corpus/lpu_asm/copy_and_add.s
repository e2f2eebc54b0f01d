# Add two int8 vectors: slices 12 and 13 of the east hemisphere read onto
# westward streams, the VXM adds them when they pass its position, and slice
# 30 writes the sum from an eastward stream as it passes. On tsp-v1 slices
# 12 and 13 sit at stream position 16, the VXM at 12 and slice 30 at 21:
# reads issue at 0, values appear at 3 and reach the VXM at 7; the sum
# appears at 10 and reaches slice 30 at 19.
.arch tsp-v1
.queue MEM.E.12
    read a=0 s=W0
.queue MEM.E.13
    read a=0 s=W1
.queue VXM.0
    nop n=7
    add in=W0,W1 out=E0 type=i8
.queue MEM.E.30
    nop n=19
    write a=5 s=E0

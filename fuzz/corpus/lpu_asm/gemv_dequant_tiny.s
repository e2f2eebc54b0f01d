# A dequantised INT8 GEMV on the tiny preset, written by hand:
#   y = float(x^T W) * scale     (W 16 x 16 INT8, x INT8, scale and y FP32)
# with the MXM's INT32 result chained straight into the VXM (conversion,
# then the multiply by the scale) and stored as four FP32 byte planes.
#
# Data: W's rows at words 0-15 of east slice 0, x at word 0 of slice 1, the
# scale's byte planes at word 20 of slices 0-3; y goes to word 30 of slices
# 0-3. tiny: VXM at position 4, east slice i at 5 + i, the east MXM at 8;
# read 3, conv 3, mul 3 and acc 3 cycles, abc 22.
#
#  0-15  slice 0 reads row k at k; it reaches the MXM at k + 6, where lw
#        takes it (6-21)
#    22  iw; the weights are installed at 24
#    20  slice 1 reads x; at the MXM at 25, where abc takes it; product at 47
#    47  acc emits y's INT32 planes at 50 on W0-W3; they reach the VXM at 54
#    54  conv to FP32, on E0-E3 at 57
# 50-53  slices 3, 2, 1, 0 read the scale's planes onto W7-W4; each reaches
#        the VXM at 57
#    57  mul, the product on E4-E7 at 60; slice i is passed at 61 + i and
#        writes its plane: the last event at 64, a run of 65 cycles.
.arch tiny
.queue MEM.E.0
    read a=0 s=E0
    repeat n=15 d=1 astride=1
    nop n=37
    read a=20 s=W4
    nop n=7
    write a=30 s=E4
.queue MEM.E.1
    nop n=20
    read a=0 s=E1
    nop n=31
    read a=20 s=W5
    nop n=9
    write a=30 s=E5
.queue MEM.E.2
    nop n=51
    read a=20 s=W6
    nop n=11
    write a=30 s=E6
.queue MEM.E.3
    nop n=50
    read a=20 s=W7
    nop n=13
    write a=30 s=E7
.queue MXM.E.0
    nop n=6
    lw s=E0 plane=0 buf=0
    repeat n=15 d=1
    iw plane=0 buf=0
    nop n=2
    abc s=E1 plane=0 n=1
    nop n=21
    acc out=W0..W3 plane=0 n=1
.queue VXM.0
    nop n=54
    conv in=W0..W3 out=E0..E3 from=i32 to=f32
    nop n=2
    mul in=E0..E3,W4..W7 out=E4..E7 type=f32

; expect: 3:1: write-tensor-history:
(make-tensor-history h @shape [4])
(write-tensor-history h (phasor 1))
(out 0 1)

; expect: 2:6: out: an output must be a scalar signal, got a signal tensor [2] (reduce it first, e.g. with sum or peek)
(out (phasor (tensor [100 200])) 1)

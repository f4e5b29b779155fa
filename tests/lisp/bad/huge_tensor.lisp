; expect: 2:18: zeros: argument 1: shape [100000, 100000] has more than 16777216 elements
(out (sum (zeros [100000 100000])) 1)

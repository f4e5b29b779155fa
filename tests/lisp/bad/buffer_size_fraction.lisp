; expect: 2:24: buffer: argument 2 must be an integer in [1, 16777216], got 10.5
(def w (buffer (noise) 10.5))
(out (sum w) 1)

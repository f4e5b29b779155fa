; expect: 3:11: sin: argument 1 must be a signal or a number, got a tuple of 2 values
(def t (tuple 1 2))
(out (sin t) 1)

; expect: 2:6: out: argument 1 must be a signal or a number, got a tuple of 2 values
(out (tuple 1 2) 1)

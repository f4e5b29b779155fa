; expect: 2:10: in: argument 1 must be an integer in [1, 1024], got 0
(out (in 0) 1)

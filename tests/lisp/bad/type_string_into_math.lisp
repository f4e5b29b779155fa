; expect: 2:11: +: argument 2 must be a signal or a number, got a string
(out (+ 1 "two") 1)

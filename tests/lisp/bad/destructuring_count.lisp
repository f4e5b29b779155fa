; expect: 2:14: def: (3 names) needs a tuple of 3 values, got a tuple of 2 values
(def (a b c) (tuple 1 2))
(out a 1)

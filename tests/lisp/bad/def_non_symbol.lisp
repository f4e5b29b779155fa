; expect: 2:6: def: the defined name must be a name, got a number
(def 3 4)
(out 0 1)

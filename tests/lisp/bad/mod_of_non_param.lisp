; expect: 3:11: mod: expected a param declared with @mod true, got a number
(def x 3)
(out (mod x) 1)

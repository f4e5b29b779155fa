; expect: 3:7: 'f' is a number, not an operator or macro
(def f 1)
(out (f 2) 1)

; expect: 2:13: defmacro: expected a parameter list like (a b), got a symbol
(defmacro f x (+ x 1))
(out (f 1) 1)

; expect: 2:16: defmacro: parameter 'a' appears twice
(defmacro f (a a) (+ a 1))
(out (f 1 2) 1)

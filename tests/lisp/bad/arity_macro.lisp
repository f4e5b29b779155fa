; expect: 3:6: macro 'f' expects 2 arguments (a b), got 1
(defmacro f (a b) (+ a b))
(out (f 1) 1)

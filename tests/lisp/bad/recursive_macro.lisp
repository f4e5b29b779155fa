; expect: 2:17: macro 'f' expands more than 64 levels deep (does it call itself?) (in macro 'f' called at 2:17)
(defmacro f (x) (f (+ x 1)))
(out (f 0) 1)

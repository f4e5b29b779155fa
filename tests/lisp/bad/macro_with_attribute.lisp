; expect: 3:9: macro 'f' takes no attributes
(defmacro f (a) a)
(out (f @x 1) 1)

; expect: 2:24: unknown escape '\q' in string
(def t (tensor @file "a\qb.json"))
(out 0 1)

; expect: 2:16: tensor: ragged data: a list of 1 where 2 were expected at depth 2
(def t (tensor [[1 2] [3]]))
(out (sum t) 1)

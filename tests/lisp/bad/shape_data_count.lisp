; expect: 2:23: tensor: @shape [2, 2] needs 4 values, the data has 3
(def t (tensor @shape [2 2] @data [1 2 3]))
(out (sum t) 1)

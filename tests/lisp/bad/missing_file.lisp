; expect: 2:33: tensor: cannot read
(def t (tensor @shape [4] @file "no-such-file.json"))
(out (sum t) 1)

; expect: 2:27: expected ']' to close '[' at 2:23, got ')'
(def t (tensor @shape [2 2) @data [1 2 3 4]))

; expect: 2:1: param 'table': element 2 = 3 is outside [0, 1]
(tensor-param table @shape [3] @data [0 0.5 3] @min 0 @max 1)
(out (sum table) 1)

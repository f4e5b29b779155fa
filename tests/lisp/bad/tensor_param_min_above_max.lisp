; expect: 2:56: param 'table': max -1 is below min 1
(tensor-param table @shape [2] @data [0 0] @min 1 @max -1)
(out (sum table) 1)

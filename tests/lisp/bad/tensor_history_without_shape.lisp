; expect: 2:1: make-tensor-history needs @shape [d …] (or @init with a tensor)
(make-tensor-history h)
(out 0 1)

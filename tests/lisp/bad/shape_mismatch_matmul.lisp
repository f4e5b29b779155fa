; expect: 4:11: matmul:
(def a (zeros [2 3]))
(def b (zeros [2 3]))
(out (sum (matmul a b)) 1)

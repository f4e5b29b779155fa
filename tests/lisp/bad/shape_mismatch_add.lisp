; expect: 4:11: +:
(def a (tensor [1 2 3]))
(def b (tensor [1 2]))
(out (sum (+ a b)) 1)

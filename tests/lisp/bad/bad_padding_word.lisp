; expect: 3:39: conv1d: @padding must be same or valid, got full
(def k (tensor [1 1]))
(out (sum (conv1d (iota 8) k @padding full)) 1)

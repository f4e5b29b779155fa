; expect: 3:29: shrink: @ranges must hold ranges like 0:2, got a number
(def t (zeros [4 4]))
(out (sum (shrink t @ranges [1 2])) 1)

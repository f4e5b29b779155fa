; expect: 2:11: param 'gain' is used before its declaration at 3:1
(out (* 2 gain) 1)
(param gain @default 0.5)

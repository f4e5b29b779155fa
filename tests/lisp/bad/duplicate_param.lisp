; expect: 3:1: param 'gain' is already declared at 2:1
(param gain @default 0.5)
(param gain @default 0.7)
(out gain 1)

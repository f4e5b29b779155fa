; expect: 2:22: param 'gain': default 2 is outside [0, 1]
(param gain @default 2 @min 0 @max 1)
(out gain 1)

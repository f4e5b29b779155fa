; expect: 2:25: param 'gain': max 0 is below min 1
(param gain @min 1 @max 0)
(out gain 1)

; expect: 2:25: param 'gain': @max is below @min
(param gain @min 1 @max 0)
(out gain 1)

; expect: 3:6: (mod cutoff): param 'cutoff' is not declared with @mod true
(param cutoff @default 1000)
(out (mod cutoff) 1)

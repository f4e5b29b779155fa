; expect: 2:38: param 'cutoff': @mod-mode needs @mod true
(param cutoff @default 100 @mod-mode additive)
(out cutoff 1)

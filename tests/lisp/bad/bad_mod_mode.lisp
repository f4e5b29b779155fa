; expect: 2:48: param 'cutoff': @mod-mode must be additive, multiplicative or semitone, got sideways
(param cutoff @default 100 @mod true @mod-mode sideways)
(out (mod cutoff) 1)

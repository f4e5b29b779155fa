; expect: 4:25: declare modulator inputs before any (mod …): the first is at 3:8
(param cutoff @default 100 @mod true)
(def c (mod cutoff))
(def m (in 5 @modulator 1))
(out (+ c m) 1)

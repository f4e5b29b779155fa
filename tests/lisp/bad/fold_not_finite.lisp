; expect: 2:8: /: the constant result is not finite (inf)
(def k (/ 1 0))
(out (* k (phasor 1)) 1)

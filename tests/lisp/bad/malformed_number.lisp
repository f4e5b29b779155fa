; expect: 2:9: malformed number '0.5.5'
(out (* 0.5.5 (phasor 440)) 1)

; expect: 2:14: fft:
(def (re im) (fft (buffer (noise) 6)))
(out 0 1)

; expect: 2:42: fft: size 128 does not match the input's last axis (shape [64])
(def (re im) (fft (buffer (noise) 64 16) 128))
(out 0 1)

; expect: 2:21: delay: 1e+09 frames is longer than the longest delay line (16777216 frames)
(out (delay (noise) 1e9) 1)

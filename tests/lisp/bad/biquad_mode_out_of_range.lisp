; expect: 2:33: biquad: argument 5 must be an integer in [0, 7], got 9
(out (biquad (noise) 1000 0.7 1 9) 1)

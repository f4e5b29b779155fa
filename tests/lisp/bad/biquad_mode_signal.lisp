; expect: 2:33: biquad: argument 5 must be a number known when the patch loads, got a signal
(out (biquad (noise) 1000 0.7 1 (phasor 1)) 1)

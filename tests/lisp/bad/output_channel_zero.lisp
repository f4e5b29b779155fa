; expect: 2:19: out: argument 2 must be an integer in [1, 1024], got 0
(out (phasor 440) 0)

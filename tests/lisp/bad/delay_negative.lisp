; expect: 2:6: delay: the delay time must be a finite number of frames >= 0, got -5
(out (delay (noise) -5) 1)

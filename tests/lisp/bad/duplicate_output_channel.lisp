; expect: 3:19: output channel 1 is written by two out()s (the other is at 2:1)
(out (phasor 440) 1)
(out (phasor 550) 1)

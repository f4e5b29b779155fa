; expect: 3:19: output channel 1 is already used by the out at 2:1
(out (phasor 440) 1)
(out (phasor 550) 1)

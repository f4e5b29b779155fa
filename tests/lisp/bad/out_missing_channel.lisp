; expect: 2:1: out expects (out expr channel [@name n])
(out (phasor 440))

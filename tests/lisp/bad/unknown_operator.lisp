; expect: 2:7: unknown operator 'phasr' (did you mean 'phasor'?)
(out (phasr 440) 1)

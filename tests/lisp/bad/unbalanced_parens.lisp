; expect: 2:1: unbalanced parentheses: this '(' is never closed
(out (sin (phasor 440) 1)

; expect: 2:21: unexpected ')' with no matching opening bracket
(out (phasor 440) 1))

; expect: 2:6: phasor expects 1 to 2 arguments, got 3: (phasor freq [reset])
(out (phasor 1 2 3) 1)

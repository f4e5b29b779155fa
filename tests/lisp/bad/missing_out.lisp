; expect: 1:1: the patch has no output: add one, e.g. (out signal 1)
(def x (phasor 440))

; expect: 2:22: biquad has no attribute @cuttoff (it accepts @cutoff, @q, @gain, @mode)
(out (biquad (noise) @cuttoff 1000) 1)

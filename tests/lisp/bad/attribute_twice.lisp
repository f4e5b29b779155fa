; expect: 2:35: attribute @cutoff is given twice
(out (biquad (noise) @cutoff 1000 @cutoff 2000) 1)

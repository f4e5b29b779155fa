; expect: 2:27: attribute @q needs a value
(out (biquad (noise) 1000 @q) 1)

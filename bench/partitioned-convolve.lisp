; A 2-second stereo impulse response at 48 kHz (96000 random taps per channel) convolved
; with noise by partitioned-convolve, B = 64 (docs/PERFORMANCE.md, "Partitioned convolution").
(def ir (randn [2 96000] 3))
(def x (noise))
(out (partitioned-convolve x ir @N 128 @channel 0 @gain 0.01) 1)
(out (partitioned-convolve x ir @N 128 @channel 1 @gain 0.01) 2)

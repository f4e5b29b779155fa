; A convolution reverb on a recording: the 909 kick of data/ (plus input 1) through a
; 1.2-second stereo room impulse response, both read from audio files, by uniformly
; partitioned FFT convolution (docs/LANGUAGE.md, "Partitioned convolution").
(param wet @default 0.4 @min 0 @max 1)

(def kick (tensor @file "../data/909kick.wav"))     ; [frames, 2]: a table for peek
(def t (accum 1 0 0 44100))                         ; the kick again every second
(def dry (+ (peek kick t 0) (in 1)))
(def room (ir @file "../data/room-ir.wav"))         ; [2, frames]: one row per channel
(out (+ dry (* wet (partitioned-convolve dry room @N 128 @channel 0))) 1 @name left)
(out (+ dry (* wet (partitioned-convolve dry room @N 128 @channel 1))) 2 @name right)

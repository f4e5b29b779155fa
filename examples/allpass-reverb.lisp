; A Schroeder-style reverb built from nested macros: four damped feedback combs
; in parallel make the decaying tail, two allpass diffusers in series smear it
; into a dense wash. The delay lengths are the classic Freeverb ones (in
; samples at 44.1 kHz, scaled to the run's sample rate); the right channel uses
; slightly longer lines so the two sides decorrelate into a wide stereo image.
;
; It processes input channel 1. With demo=1 (the default) it also plays a short
; snare-like noise hit every 1.2 s:
;
;   dgen render examples/allpass-reverb.lisp -o room.wav --seconds 5
;   dgen render examples/allpass-reverb.lisp --set demo=0 --in 1=vocal.wav -o wet.wav

(param size @default 0.9 @min 0.5 @max 0.98)       ; comb feedback: the length of the tail
(param damping @default 0.3 @min 0 @max 0.95)     ; how fast the highs die in the tail
(param mix @default 0.4 @min 0 @max 1)
(param demo @default 1 @min 0 @max 1 @trainable false)  ; a switch, not a sound param

; Delay lengths are given at 44.1 kHz and follow the sample rate.
(defmacro frames (n) (* n (/ samplerate 44100)))

; A Schroeder allpass: flat magnitude response, but it scatters the phase, so
; a click comes out as a short burst of echoes.
(defmacro allpass (x g d)
  (make-history h)
  (def ds (delay (read-history h) (- (frames d) 1)))
  (def v (+ x (* g ds)))
  (write-history h v)
  (- ds (* g v)))

; A feedback comb with a one-pole lowpass in its loop.
(defmacro comb (x d feedback damp)
  (make-history h)
  (make-history lp)
  (def ds (delay (read-history h) (- (frames d) 1)))
  (def filtered (mix ds (read-history lp) damp))
  (write-history lp filtered)
  (write-history h (+ x (* feedback filtered)))
  ds)

; The reverb: parallel combs, then the diffusers (each macro expands into
; other macros, and every expansion gets its own history cells).
(defmacro diffuse (x spread)
  (allpass (allpass x 0.5 (+ 556 spread)) 0.5 (+ 441 spread)))

(defmacro reverb (x spread)
  (diffuse (* 0.25 (+ (comb x (+ 1116 spread) size damping)
                      (comb x (+ 1188 spread) size damping)
                      (comb x (+ 1277 spread) size damping)
                      (comb x (+ 1356 spread) size damping)))
           spread))

; The demo source: a 60 ms noise burst with a fast decay, every 1.2 s.
(def hit-clock (phasor (/ 1 1.2)))
(def hit (* demo 0.6 (noise) (exp (* -80 hit-clock)) (lt hit-clock 0.05)))
(def dry (+ (in 1 @name audio-in) hit))

(out (mix dry (reverb dry 0) mix) 1 @name left)
(out (mix dry (reverb dry 23) mix) 2 @name right)

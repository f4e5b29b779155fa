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

; The allpass, the damping and the feedback delay come from the standard library
; (docs/STDLIB.md).
(import std)

; Delay lengths are given at 44.1 kHz and follow the sample rate.
(defmacro frames (n) (* n (/ samplerate 44100)))

; A feedback comb with a one-pole lowpass in its loop: the line's output runs through
; `darken` back into it.
(defmacro darken (x) (damp x damping))
(defmacro damped-comb (x d) (fbdelay-through x (/ d 44100) size darken))

; The reverb: parallel combs, then two Schroeder allpasses (flat magnitude, but they
; scatter the phase, so a click comes out as a short burst of echoes).
(defmacro diffuse (x spread)
  (allpass (allpass x (frames (+ 556 spread)) 0.5) (frames (+ 441 spread)) 0.5))

(defmacro reverb (x spread)
  (diffuse (* 0.25 (+ (damped-comb x (+ 1116 spread))
                      (damped-comb x (+ 1188 spread))
                      (damped-comb x (+ 1277 spread))
                      (damped-comb x (+ 1356 spread))))
           spread))

; The demo source: a 60 ms noise burst with a fast decay, every 1.2 s.
(def hit-clock (phasor (/ 1 1.2)))
(def hit (* demo 0.6 (noise) (exp (* -80 hit-clock)) (lt hit-clock 0.05)))
(def dry (+ (in 1 @name audio-in) hit))

(out (mix dry (reverb dry 0) mix) 1 @name left)
(out (mix dry (reverb dry 23) mix) 2 @name right)

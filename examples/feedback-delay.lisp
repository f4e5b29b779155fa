; A tape-style feedback delay: the delay time wobbles under a slow LFO (which
; bends the pitch of the repeats), and each repeat passes through a lowpass and
; a soft saturator, so echoes get darker and rounder as they fade.
;
; It processes input channel 1. With demo=1 (the default) it also plays short
; sine blips so there is something to hear without an input file:
;
;   dgen render examples/feedback-delay.lisp -o echoes.wav --seconds 6
;   dgen render examples/feedback-delay.lisp --set demo=0 --in 1=guitar.wav -o wet.wav

(param time @default 0.375 @min 0.01 @max 1.5 @unit s)
(param feedback @default 0.55 @min 0 @max 0.95)
(param tone @default 0.35 @min 0.01 @max 1)              ; lowpass coefficient in the loop
(param wobble-rate @default 0.7 @min 0 @max 8 @unit Hz)
(param wobble-depth @default 0.002 @min 0 @max 0.02 @unit s)
(param mix @default 0.45 @min 0 @max 1)
(param demo @default 1 @min 0 @max 1 @trainable false)  ; a switch, not a sound param

; The demo source: a decaying sine blip every 1.5 s, alternating two pitches.
(def blip-clock (phasor (/ 1 1.5)))
(def blip-pitch (selector (+ 1 (floor (* 2 (phasor (/ 1 3))))) 660 880))
(def blip (* demo 0.5 (exp (* -25 blip-clock)) (sin (* twopi (phasor blip-pitch)))))
(def dry (+ (in 1 @name audio-in) blip))

; The modulated delay line; its feedback runs through a lowpass and tanh
; (fbdelay-through, damp and sine come from the standard library, docs/STDLIB.md).
(import std)
(defmacro tape (echo) (tanh (damp echo (- 1 tone))))
(def echo (fbdelay-through dry (+ time (* wobble-depth (sine wobble-rate))) feedback tape))

(out (mix dry echo mix) 1 @name audio)

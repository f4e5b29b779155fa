; A pad through an effects chain, every piece from the standard library (docs/STDLIB.md):
; three detuned band-limited saws into a ladder lowpass swept by a slow LFO, shaped by an
; exponential ADSR, then a peaking cut and a high shelf, a chorus, a feedback-delay-network
; reverb in stereo and a limiter on each side. A chord of 3 s plays every 4 s.
;
;   dgen render examples/pad.lisp -o pad.wav --seconds 8
;   dgen render examples/pad.lisp --set t60=8 --set chorus-mix=0.8 -o wide.wav

(import std)

(param note @default 48 @min 24 @max 84)               ; MIDI note
(param detune @default 0.12 @min 0 @max 0.5)           ; semitones between the saws
(param cutoff @default 900 @min 100 @max 8000 @unit Hz)
(param sweep @default 1 @min 0 @max 3)                 ; octaves the cutoff moves
(param resonance @default 0.4 @min 0 @max 1)
(param chorus-mix @default 0.5 @min 0 @max 1)
(param t60 @default 3 @min 0.2 @max 10 @unit s)
(param wet @default 0.4 @min 0 @max 1)
(param gain @default 1 @min 0 @max 2)

(def freq (mtof note))
(def spread (pow 2 (/ detune 12)))
(def saws (+ (saw freq) (saw (* freq spread)) (saw (/ freq spread))))
(def env (adsr-exp (lt (phasor 0.25) 0.75) 0.6 1.5 0.7 1.2))

(def filtered (ladder (* 0.5 saws) (* cutoff (pow 2 (* sweep (sine 0.1)))) resonance 1))
(def voice (* env (highshelf (peak-eq filtered 300 0.8 -4) 5000 0.707 3)))
(def wide (chorus voice 0.6 0.015 0.004 chorus-mix))

(def (left right) (fdn-reverb wide t60 0.3))
(out (limiter (* gain (+ wide (* wet left))) -1 0.1) 1 @name left)
(out (limiter (* gain (+ wide (* wet right))) -1 0.1) 2 @name right)

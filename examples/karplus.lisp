; Karplus-Strong plucked string: a burst of noise circulates in a delay line
; one period long; a one-pole lowpass in the loop takes away a little of the
; highs on every trip, so the tone darkens as it decays, like a real string.
;
;   dgen render examples/karplus.lisp -o pluck.wav --seconds 4
;   dgen render examples/karplus.lisp --set freq=82.4 --set brightness=0.3 -o low-e.wav

(param freq @default 110 @min 30 @max 1000 @unit Hz)      ; root of the pattern
(param rate @default 3 @min 0.25 @max 12 @unit Hz @trainable false)  ; plucks per second: the score
(param brightness @default 0.5 @min 0.05 @max 1)          ; one-pole coefficient: 1 = no damping
(param feedback @default 0.996 @min 0.9 @max 0.9999)      ; loss per trip round the loop
(param gain @default 0.5 @min 0 @max 1)

; A pluck every 1/rate seconds, cycling through root, fifth, octave, minor tenth.
(def clock (phasor rate))
(def step (floor (* 4 (phasor (/ rate 4)))))
(def note (* freq (selector (+ step 1) 1 1.4983 2 2.3784)))

; The excitation: 5 ms of noise at the start of each pluck.
(def burst (* (noise) (lt clock (* 0.005 rate))))

; The loop. The history cell delays the signal by one sample and the one-pole
; by (1 - brightness) / brightness samples (at low frequencies), so the delay
; line is shortened by both to keep the pitch in tune.
; (damp is the standard library's one-pole, docs/STDLIB.md.)
(import std/fx)
(make-history string)
(def period (/ samplerate note))
(def loop-delay (- period 1 (/ (- 1 brightness) brightness)))
(def delayed (delay (read-history string) loop-delay @max-delay 4096))
(def y (+ burst (* feedback (damp delayed (- 1 brightness)))))
(write-history string y)

(out (* gain y) 1 @name audio)

; A 909-style kick drum: a sine whose pitch sweeps from a high "knock" down to a
; low boom, a bright click on the attack and a short burst of highpassed noise,
; all summed and gently saturated. It plays four on the floor at `tempo`.
;
;   dgen render examples/kick909.lisp -o kick.wav --seconds 4
;   dgen render examples/kick909.lisp --set tune=45 --set decay=0.6 -o boom.wav

(param tempo @default 120 @min 40 @max 240 @unit bpm @trainable false)  ; the score, not the sound
(param tune @default 52 @min 30 @max 100 @unit Hz)         ; where the pitch settles
(param sweep @default 180 @min 0 @max 600 @unit Hz)        ; how far above it starts
(param sweep-time @default 0.035 @min 0.005 @max 0.2 @unit s)
(param decay @default 0.35 @min 0.05 @max 2 @unit s)
(param click-level @default 0.5 @min 0 @max 1)
(param noise-level @default 0.25 @min 0 @max 1)
(param drive @default 1.5 @min 0.5 @max 6)
(param gain @default 0.7 @min 0 @max 1)

(import std/util)

; The beat clock and a trigger on the frame each beat begins (and on frame 0).
(def beat (phasor (/ tempo 60)))
(def trigger (max (click) (lt beat (previous beat))))
(def t (/ beat (/ tempo 60)))   ; seconds since the beat

; The body: the sine's phase restarts on every trigger, so each hit starts the same.
(def pitch (+ tune (* sweep (exp (/ (- 0 t) sweep-time)))))
(def body (* (sin (* twopi (phasor pitch trigger))) (exp (/ (- 0 t) decay))))

; The click: the trigger impulse rung through a bright band-pass.
(def click-sound (* 4 (biquad trigger 3500 1.2 1 2)))

; The noise: highpassed, gone within about 20 ms.
(def hiss (* (biquad (noise) 5000 0.7 1 1) (exp (* -50 t))))

(def kick (+ body (* click-level click-sound) (* noise-level hiss)))
(out (* gain (tanh (* drive kick))) 1 @name audio)

; Two-operator FM: a sine modulator drives the phase of a sine carrier. The
; modulation index falls with the amplitude, so each note starts bright and
; mellows as it rings out, like a struck electric piano tine.
;
;   dgen render examples/fm.lisp -o fm.wav --seconds 4
;   dgen render examples/fm.lisp --set ratio=3.5 --set index=6 -o bell.wav

(param freq @default 220 @min 20 @max 2000 @unit Hz)
(param ratio @default 1 @min 0.25 @max 8)           ; modulator frequency / carrier frequency
(param index @default 3 @min 0 @max 20)             ; peak modulation index, radians
(param decay @default 0.8 @min 0.05 @max 10 @unit s)
(param rate @default 1 @min 0.1 @max 8 @unit Hz @trainable false)  ; notes per second: the score
(param gain @default 0.3 @min 0 @max 1)

; Each note restarts on a wrap of the note clock and decays exponentially.
(def clock (phasor rate))
(def seconds-since-note (/ clock rate))
(def level (exp (/ (- 0 seconds-since-note) decay)))

; A short arpeggio over the clock: root, fifth, octave, fifth.
(def step (floor (* 4 (phasor (/ rate 4)))))
(def note (* freq (selector (+ step 1) 1 1.5 2 1.5)))

(def modulator (sin (* twopi (phasor (* note ratio)))))
(def carrier (sin (+ (* twopi (phasor note)) (* index level modulator))))

; A 2 ms attack ramp at each note start and a fade over the last 5% of the
; note keep the note boundaries free of clicks.
(def attack (min 1 (* seconds-since-note 500)))
(def release (min 1 (* (- 1 clock) 20)))
(out (* gain attack release level carrier) 1 @name audio)

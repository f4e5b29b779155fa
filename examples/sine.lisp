; A sine oscillator with a gentle vibrato.
;
;   dgen render examples/sine.lisp -o sine.wav --seconds 3
;   dgen render examples/sine.lisp --set freq=330 --set vibrato-depth=0 -o plain.wav

(param freq @default 220 @min 20 @max 4000 @unit Hz)
(param gain @default 0.25 @min 0 @max 1)
(param vibrato-rate @default 5 @min 0 @max 12 @unit Hz)
(param vibrato-depth @default 0.004 @min 0 @max 0.05)  ; a fraction of freq (0.004 ~ 7 cents)

(def vibrato (* vibrato-depth (sin (* twopi (phasor vibrato-rate)))))
(def phase (phasor (* freq (+ 1 vibrato))))

; A 20 ms fade-in so the note does not start with a click.
(def fade-in (min 1 (accum (/ 50 samplerate) 0 0 1000000)))

(out (* gain fade-in (sin (* twopi phase))) 1 @name audio)

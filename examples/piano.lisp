; A struck piano string, made to be trained: one note starting at frame 0, every param
; bounded (@min/@max), so `dgen train` can fit it to a recorded note. 24 partials
; (a bank of oscillators on a tensor of frequencies) sit where a stiff string puts them,
; f_k = k * freq * sqrt(1 + B k^2): the string's stiffness (inharmonicity B) stretches
; the upper partials sharp. Each partial decays exponentially with its own time
; constant, decay / k^decay-tilt, so the note darkens as it rings; rolloff tilts the
; spectrum. A burst of lowpassed noise is the hammer's thump. Partials above 0.45 x the
; sample rate are muted so nothing aliases. Ranges with max/min >= 100 train in log
; coordinates.
;
;   dgen render examples/piano.lisp -o piano.wav --seconds 2
;   dgen train examples/piano.lisp --target data/piano-note.wav --job-dir piano-job \
;       --loss spectral:2048
;   dgen render examples/piano.lisp --params piano-job/params.json -o fitted.wav

(param freq @default 261.6 @min 27.5 @max 4186 @unit Hz)  ; the fundamental: A0 to C8
(param inharmonicity @default 0.0003 @min 0.00001 @max 0.01)  ; B: ~1e-4 in the bass, 1e-2 up high
(param decay @default 2 @min 0.1 @max 20 @unit s)           ; the fundamental's time constant
(param decay-tilt @default 0.7 @min 0 @max 2)               ; partial k decays k^tilt times faster
(param rolloff @default 1 @min 0 @max 3)                    ; partial k's level is k^-rolloff
(param hammer-level @default 0.2 @min 0 @max 1)
(param hammer-decay @default 0.005 @min 0.0005 @max 0.05 @unit s)
(param hammer-cutoff @default 3000 @min 200 @max 16000 @unit Hz)
(param gain @default 0.3 @min 0 @max 1)

(def t (accum (/ 1 samplerate) 0 0 1000))  ; seconds since the strike
(def k (iota 24 1 1))                       ; 1 2 3 … 24

(def freqs (* freq k (sqrt (+ 1 (* inharmonicity k k)))))
(def audible (lt freqs (* 0.45 samplerate)))

; The levels sum to 1, so rolloff changes the tone and gain alone the loudness.
(def tilt (pow k (- 0 rolloff)))
(def levels (/ tilt (sum tilt)))
(def rates (/ (pow k decay-tilt) decay))    ; 1 / each partial's time constant
(def partials (* levels audible (exp (* (- 0 t) rates)) (sin (* twopi (phasor freqs)))))

(def hammer (* hammer-level (exp (/ (- 0 t) hammer-decay))
               (biquad (noise) hammer-cutoff 0.7 1 0)))

; A 2 ms attack ramp: the hammer does not set the string moving in an instant.
(def attack (min 1 (* t 500)))
(out (* gain (+ (* attack (sum partials)) hammer)) 1 @name audio)

; A kick drum voice made to be trained: one hit, starting at frame 0, whose every
; param is bounded (@min/@max), so `dgen train` can fit it to a recorded kick. The body
; is a sine whose pitch sweeps exponentially from `start` down to `tune`; a burst of
; lowpassed noise gives the attack its snap. The defaults are a generic kick: the seed
; training starts from. Ranges with max/min >= 100 (times, the cutoff) train in log
; coordinates.
;
;   dgen render examples/train_kick.lisp -o kick.wav --seconds 1
;   dgen train examples/train_kick.lisp --target data/909kick.wav --job-dir kick-job \
;       --loss spectral:4096 --epochs 300
;   dgen render examples/train_kick.lisp --params kick-job/params.json -o fitted.wav

(param tune @default 60 @min 30 @max 120 @unit Hz)            ; where the pitch settles
(param start @default 250 @min 80 @max 1000 @unit Hz)         ; where it starts
(param sweep-time @default 0.02 @min 0.002 @max 0.3 @unit s)  ; how fast it falls
(param decay @default 0.2 @min 0.02 @max 2 @unit s)           ; the body's decay
(param level @default 0.5 @min 0 @max 1.5)
(param noise-level @default 0.3 @min 0 @max 1)
(param noise-decay @default 0.01 @min 0.001 @max 0.2 @unit s)
(param noise-cutoff @default 4000 @min 100 @max 16000 @unit Hz)

(def t (accum (/ 1 samplerate) 0 0 1000))   ; seconds since the hit

(def pitch (+ tune (* (- start tune) (exp (/ (- 0 t) sweep-time)))))
(def body (* level (exp (/ (- 0 t) decay)) (sin (* twopi (phasor pitch)))))

(def snap (* noise-level (exp (/ (- 0 t) noise-decay))
             (biquad (noise) noise-cutoff 0.7 1 0)))

(out (+ body snap) 1 @name kick)

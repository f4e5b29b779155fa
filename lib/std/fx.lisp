; std/fx: effects (docs/STDLIB.md): feedback delay with a modulated fractional time,
; chorus and flanger, a feedback-delay-network reverb, compressor and limiter. Times are
; in seconds, levels in dB.

(import std/util std/filters std/osc)

; A delay of `seconds` (a signal: fractional times interpolate linearly; at least one
; frame, at most 191999 frames: 4 s at 48 kHz) whose output runs through `process` (a
; macro of one argument, e.g. a filter) back into its input: y = w[t - seconds·sr],
; w = x + feedback·(process y). The wet signal y only.
(defmacro fbdelay-through (x seconds feedback process)
  (make-history w)
  (def y (delay (read-history w) (- (max (* seconds samplerate) 1) 1) 192000))
  (write-history w (+ x (* feedback (process y))))
  y)
; x itself: the process of a plain feedback delay.
(defmacro pass (x) x)
; A feedback delay: y = w[t - seconds·sr], w = x + feedback·y (fbdelay-through, pass).
(defmacro fbdelay (x seconds feedback) (fbdelay-through x seconds feedback pass))

; fbdelay with its time swept by a sine LFO: base + depth·sin(2π·rate·t) seconds.
(defmacro mod-delay (x rate base depth feedback)
  (fbdelay x (+ base (* depth (sine rate))) feedback))

; Chorus: x mixed with a copy delayed by base + depth·sin(2π·rate·t) seconds (mix 0:
; dry, 1: only the delayed copy).
(defmacro chorus (x rate base depth mix-amount)
  (mix x (mod-delay x rate base depth 0) mix-amount))

; Flanger: a chorus whose delayed copy is fed back into its line.
(defmacro flanger (x rate base depth feedback mix-amount)
  (mix x (mod-delay x rate base depth feedback) mix-amount))

; One-pole damping y = (1 - amount)·x + amount·y[t-1] (amount clamped into [0, 0.99]):
; 0 passes x unchanged, larger values darken it.
(defmacro damp (x amount)
  (def a (clip amount 0 0.99))
  (make-history y)
  (write-history y (+ (* (- 1 a) x) (* a (read-history y)))))

; The gain that takes a loop of `frames` frames down by 60 dB in t60 seconds.
(defmacro t60-gain (frames t60) (pow 10 (/ (* -3 frames) (* (max t60 1e-3) samplerate))))

; One line of the FDN: the history `cell` read `frames` frames late (a number: the line
; holds just that), times the gain that makes it decay by 60 dB in t60 seconds.
(defmacro fdn-tap (cell frames t60)
  (* (t60-gain frames t60) (delay (read-history cell) (- frames 1) frames)))

; A feedback-delay-network reverb: four lines of 1087, 1283, 1447 and 1663 frames mixed
; by the Householder matrix I - J/2 (lossless), each line's output scaled so that it
; decays by 60 dB in t60 seconds (at least 1 ms), then damped (`damp`, 0: none).
; (tuple left right): lines 1 + 3 and 2 + 4, halved.
(defmacro fdn-reverb (x t60 damping)
  (make-history w1)
  (make-history w2)
  (make-history w3)
  (make-history w4)
  (def s1 (fdn-tap w1 1087 t60))
  (def s2 (fdn-tap w2 1283 t60))
  (def s3 (fdn-tap w3 1447 t60))
  (def s4 (fdn-tap w4 1663 t60))
  (def half-sum (* 0.5 (+ s1 s2 s3 s4)))
  (write-history w1 (+ x (damp (- s1 half-sum) damping)))
  (write-history w2 (+ x (damp (- s2 half-sum) damping)))
  (write-history w3 (+ x (damp (- s3 half-sum) damping)))
  (write-history w4 (+ x (damp (- s4 half-sum) damping)))
  (tuple (* 0.5 (+ s1 s3)) (* 0.5 (+ s2 s4))))

; The static curve of a soft-knee compressor (Giannoulis, Massberg & Reiss 2012): the
; gain in dB for an input level in dB; ratio at least 1, knee (dB wide) at least 1e-6.
(defmacro compressor-curve (level threshold ratio knee)
  (def over (- level threshold))
  (def width (max knee 1e-6))
  (def slope (- (/ 1 (max ratio 1)) 1))
  (def into-knee (+ over (* 0.5 width)))
  (gswitch (lte (* 2 over) (- 0 width)) 0
    (gswitch (gte (* 2 over) width) (* slope over)
      (/ (* slope into-knee into-knee) (* 2 width)))))

; A gain in dB smoothed by a one-pole with time constant `attack` while it falls
; (more reduction) and `release` while it rises; it starts at 0 dB.
(defmacro gain-smooth (target attack release)
  (make-history g)
  (def prev (read-history g))
  (def tau (gswitch (lt target prev) attack release))
  (write-history g (+ target (* (exp (/ -1 (max (* tau samplerate) 1e-9))) (- prev target)))))

; Feed-forward compressor: the peak level |x| in dB through compressor-curve, smoothed
; (gain-smooth), plus makeup dB, applied to x.
(defmacro compress (x threshold ratio knee attack release makeup)
  (def target (compressor-curve (atodb (abs x)) threshold ratio knee))
  (* x (dbtoa (+ makeup (gain-smooth target attack release)))))

; Peak limiter: compress with an infinite ratio, no knee and an instant attack, so
; |output| never exceeds ceiling dB; the gain recovers with time constant `release`.
(defmacro limiter (x ceiling release) (compress x ceiling 1e9 0 0 release 0))

; std/filters: one-pole lowpass/highpass, DC blocker, state-variable filter, Schroeder
; allpass and feedback comb (docs/STDLIB.md). The one-pole and the SVF are topology-
; preserving (trapezoidal, zero-delay-feedback) filters: their coefficients come from
; `prewarp`, which clamps the cutoff into [1e-4·sr, 0.49·sr] like biquad does
; (docs/LANGUAGE.md, "Filter controls out of range"), so they are stable for every
; control value at every sample rate.

(import std/util)

; The integrator gain g = tan(π·cutoff/sr) of a trapezoidal filter, cutoff clamped.
(defmacro prewarp (cutoff)
  (tan (/ (* pi (clip cutoff (* 1e-4 samplerate) (* 0.49 samplerate))) samplerate)))

; One-pole lowpass, -3 dB at cutoff: the bilinear transform of 1/(1 + s/wc).
(defmacro lp1 (x cutoff)
  (def g (prewarp cutoff))
  (make-history s)
  (def v (* (/ g (+ 1 g)) (- x (read-history s))))
  (def y (+ v (read-history s)))
  (write-history s (+ y v))
  y)
; One-pole highpass: x - (lp1 x cutoff).
(defmacro hp1 (x cutoff) (- x (lp1 x cutoff)))

; DC blocker: y = x - x[t-1] + R·y[t-1], its corner at 10 Hz at any sample rate.
(defmacro dcblock (x)
  (make-history y)
  (def out (+ (delta x) (* (exp (/ (* -2 pi 10) samplerate)) (read-history y))))
  (write-history y out))

; State-variable filter (A. Simper's trapezoidal SVF): (tuple lowpass bandpass highpass
; notch peak), the bandpass with unity gain at cutoff; q is clamped into [0.01, 1000].
(defmacro svf (x cutoff q)
  (def g (prewarp cutoff))
  (def k (/ 1 (clip q 0.01 1000)))
  (def a1 (/ 1 (+ 1 (* g (+ g k)))))
  (def a2 (* g a1))
  (def a3 (* g a2))
  (make-history ic1)
  (make-history ic2)
  (def s1 (read-history ic1))
  (def s2 (read-history ic2))
  (def v3 (- x s2))
  (def v1 (+ (* a1 s1) (* a2 v3)))
  (def v2 (+ s2 (* a2 s1) (* a3 v3)))
  (write-history ic1 (- (* 2 v1) s1))
  (write-history ic2 (- (* 2 v2) s2))
  (def notch (- x (* k v1)))
  (tuple v2 (* k v1) (- notch v2) notch (- (* 2 v2) notch)))
; The lowpass of svf.
(defmacro svf-lp (x cutoff q) (def (lp bp hp notch peak) (svf x cutoff q)) lp)
; The highpass of svf.
(defmacro svf-hp (x cutoff q) (def (lp bp hp notch peak) (svf x cutoff q)) hp)
; The bandpass of svf (0 dB at cutoff).
(defmacro svf-bp (x cutoff q) (def (lp bp hp notch peak) (svf x cutoff q)) bp)

; The loop of a comb and an allpass: (tuple w delayed) with w = x + g·delayed and
; delayed = w[t - frames] (frames >= 1).
(defmacro comb-loop (x frames g)
  (make-history w)
  (def delayed (delay (read-history w) (max (- frames 1) 0)))
  (tuple (write-history w (+ x (* g delayed))) delayed))
; Feedback comb: y = x + feedback·y[t - frames].
(defmacro comb (x frames feedback) (def (w delayed) (comb-loop x frames feedback)) w)
; Schroeder allpass: y = -g·x + x[t - frames] + g·y[t - frames]; flat magnitude.
(defmacro allpass (x frames g) (def (w delayed) (comb-loop x frames g)) (- delayed (* g w)))

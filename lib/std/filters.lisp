; std/filters: one-pole lowpass/highpass, DC blocker, state-variable filter, shelving and
; peaking EQ, ladder, Schroeder allpass and feedback comb (docs/STDLIB.md). The one-poles,
; the SVF, the EQs and the ladder are topology-preserving (trapezoidal, zero-delay-
; feedback) filters: their coefficients come from `prewarp`, which clamps the cutoff into [1e-4·sr, 0.49·sr] like biquad does
; (docs/LANGUAGE.md, "Filter controls out of range"), so they are stable for every
; control value at every sample rate.

(import std/util)

; The integrator gain g = tan(π·cutoff/sr) of a trapezoidal filter, cutoff clamped.
(defmacro prewarp (cutoff)
  (tan (/ (* pi (clip cutoff (* 1e-4 samplerate) (* 0.49 samplerate))) samplerate)))

; One trapezoidal one-pole lowpass stage of gain G = g/(1 + g) on the history `state`.
(defmacro tpt-stage (x G state)
  (def s (read-history state))
  (def v (* G (- x s)))
  (def y (+ v s))
  (write-history state (+ y v))
  y)

; One-pole lowpass, -3 dB at cutoff: the bilinear transform of 1/(1 + s/wc).
(defmacro lp1 (x cutoff)
  (def g (prewarp cutoff))
  (make-history s)
  (tpt-stage x (/ g (+ 1 g)) s))
; One-pole highpass: x - (lp1 x cutoff).
(defmacro hp1 (x cutoff) (- x (lp1 x cutoff)))

; DC blocker: y = x - x[t-1] + R·y[t-1], its corner at 10 Hz at any sample rate.
(defmacro dcblock (x)
  (make-history y)
  (def out (+ (delta x) (* (exp (/ (* -2 pi 10) samplerate)) (read-history y))))
  (write-history y out))

; The core of the trapezoidal SVF for an integrator gain g and damping k = 1/q:
; (tuple band low), the states' outputs v1 and v2 (A. Simper, "Linear trap SVF").
(defmacro svf-core (x g k)
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
  (tuple v1 v2))

; The damping 1/q of an SVF, q clamped into [0.01, 1000].
(defmacro svf-damping (q) (/ 1 (clip q 0.01 1000)))

; State-variable filter (A. Simper's trapezoidal SVF): (tuple lowpass bandpass highpass
; notch peak), the bandpass with unity gain at cutoff; q is clamped into [0.01, 1000].
(defmacro svf (x cutoff q)
  (def k (svf-damping q))
  (def (v1 v2) (svf-core x (prewarp cutoff) k))
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

; The amplitude A = 10^(gain-db/40) of the cookbook's shelving and peaking filters,
; gain-db clamped into [-100, 100] dB.
(defmacro eq-amplitude (gain-db) (pow 10 (/ (clip gain-db -100 100) 40)))

; Peaking EQ: gain-db at cutoff, 0 dB far from it; the bilinear transform of the
; cookbook's (s² + s·A/q + 1)/(s² + s/(A·q) + 1), as an SVF (Simper's bell).
(defmacro peak-eq (x cutoff q gain-db)
  (def A (eq-amplitude gain-db))
  (def k (/ (svf-damping q) A))
  (def (v1 v2) (svf-core x (prewarp cutoff) k))
  (+ x (* k (- (* A A) 1) v1)))

; Low shelf: gain-db below cutoff, 0 dB above, gain-db/2 at cutoff; the transform of
; the cookbook's A·(s² + s·√A/q + A)/(A·s² + s·√A/q + 1).
(defmacro lowshelf (x cutoff q gain-db)
  (def A (eq-amplitude gain-db))
  (def k (svf-damping q))
  (def (v1 v2) (svf-core x (/ (prewarp cutoff) (sqrt A)) k))
  (+ x (* k (- A 1) v1) (* (- (* A A) 1) v2)))

; High shelf: gain-db above cutoff, 0 dB below; the transform of the cookbook's
; A·(A·s² + s·√A/q + 1)/(s² + s·√A/q + A).
(defmacro highshelf (x cutoff q gain-db)
  (def A (eq-amplitude gain-db))
  (def k (svf-damping q))
  (def (v1 v2) (svf-core x (* (prewarp cutoff) (sqrt A)) k))
  (+ (* A A x) (* k (- 1 A) A v1) (* (- 1 (* A A)) v2)))

; Moog-style 4-pole ladder lowpass. Four trapezoidal one-poles; the last one's output is
; G⁴·u + S (S from the states), so the feedback u = x - k·y4 is solved without a unit
; delay: u = (x - k·S)/(1 + k·G⁴), k = 4·resonance (resonance clamped into [0, 1.05]).
; tanh saturates the driven input and the loop's sum, which bounds it at any resonance.
; The output is scaled by 1 + k/2, making up part of the bass the resonance takes away.
(defmacro ladder (x cutoff resonance drive)
  (def g (prewarp cutoff))
  (def G (/ g (+ 1 g)))
  (def k (* 4 (clip resonance 0 1.05)))
  (make-history z1)
  (make-history z2)
  (make-history z3)
  (make-history z4)
  (def S (/ (+ (* G G G (read-history z1)) (* G G (read-history z2)) (* G (read-history z3))
               (read-history z4))
            (+ 1 g)))
  (def u (tanh (/ (- (tanh (* drive x)) (* k S)) (+ 1 (* k G G G G)))))
  (* (+ 1 (* 0.5 k)) (tpt-stage (tpt-stage (tpt-stage (tpt-stage u G z1) G z2) G z3) G z4)))

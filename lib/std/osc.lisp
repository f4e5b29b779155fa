; std/osc: band-limited oscillators (docs/STDLIB.md). The saw and the pulse round off
; each step with a polyBLEP residual, the triangle each corner with a polyBLAMP residual:
; two-sample polynomials that remove most of a naive waveform's aliasing. All start at
; phase 0 and take their frequency in Hz (a signal, a param or a number).

(import std/filters)

; The phase increment per frame, |freq|/sr, kept in [1e-6, 0.5].
(defmacro phase-step (freq) (clip (/ (abs freq) samplerate) 1e-6 0.5))

; The polyBLEP residual of an upward step of 2 at phase 0, for a phase in [0, 1).
(defmacro polyblep (phase dt)
  (def a (/ phase dt))
  (def b (/ (- phase 1) dt))
  (+ (* (lt phase dt) (- (+ a a) (* a a) 1))
     (* (gt phase (- 1 dt)) (+ (* b b) b b 1))))

; The polyBLAMP residual of a slope change of one unit per frame at phase 0.
(defmacro polyblamp (phase dt)
  (def a (- 1 (/ phase dt)))
  (def b (- 1 (/ (- 1 phase) dt)))
  (/ (+ (* (lt phase dt) a a a) (* (gt phase (- 1 dt)) b b b)) 6))

; Sine: sin(2π·phase).
(defmacro sine (freq) (sin (* twopi (phasor freq))))

; Saw from -1 up to 1.
(defmacro saw (freq)
  (def phase (phasor freq))
  (- (- (* 2 phase) 1) (polyblep phase (phase-step freq))))

; Pulse: 1 for the first `width` of each period (width in [0, 1]), -1 for the rest.
(defmacro pulse (freq width)
  (def phase (phasor freq))
  (def dt (phase-step freq))
  (def w (clip width 0 1))
  (+ (- (* 2 (lt phase w)) 1) (polyblep phase dt) (- 0 (polyblep (wrap (- phase w) 0 1) dt))))
; Square: a pulse of width 1/2.
(defmacro square (freq) (pulse freq 0.5))

; Triangle from -1 at phase 0 up to 1 at phase 1/2.
(defmacro tri (freq)
  (def phase (phasor freq))
  (def dt (phase-step freq))
  (+ (- (* 2 (triangle phase)) 1)
     (* 8 dt (- (polyblamp phase dt) (polyblamp (wrap (+ phase 0.5) 0 1) dt)))))

; Wavetable: one period of `table` (a 1-D tensor, e.g. (wavetable @file "saw.wav") or a
; wavetable-param) at freq Hz, linear between samples and from the last back to the first.
(defmacro wavetable-osc (table freq) (sample table (phasor freq) @mode wrap))

; A first-order shelf, x + lp1(x, pole): its zero is an octave above its pole.
(defmacro pink-shelf (x pole) (+ x (lp1 x pole)))
; Pinking: six shelves with poles at 10·4^i Hz, so the power falls 3 dB per octave (within
; ±0.3 dB from 50 Hz to 13 kHz); 1/8 keeps pink noise's peaks near 1.
(defmacro pinking (x)
  (* 0.125 (pink-shelf (pink-shelf (pink-shelf (pink-shelf (pink-shelf (pink-shelf x 10) 40)
                                                            160) 640) 2560) 10240)))
; Pink noise: (pinking (noise)), a new stream at each call.
(defmacro pink () (pinking (noise)))

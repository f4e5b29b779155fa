; A subtractive synth voice: a polyBLEP saw and pulse into a 4-pole ladder
; lowpass with tanh saturation, then a state-variable highpass, shaped by two
; ADSR envelopes driven by a gate on input channel 1.
;
; With demo=1 (the default) a built-in sequencer plays a bass line and its gate
; is combined with the input gate. To play it yourself, turn the sequencer off
; and feed a gate (1 while a key is held, 0 otherwise) and set the pitch:
;
;   dgen render examples/subtractive.lisp -o bass.wav --seconds 4
;   dgen render examples/subtractive.lisp --set demo=0 --set pitch=110 --in 1=gate.wav -o played.wav
;
; As an LV2 instrument (docs/PLUGIN.md), MIDI notes hold `key` (the gate), set `pitch`
; and `velocity` of one of 8 voices; set its demo control to 0 to play it alone:
;
;   dgen compile examples/subtractive.lisp --format lv2 -o ~/.lv2/subtractive.lv2

; ---- oscillators -------------------------------------------------------------

; The polyBLEP residual: a two-sample polynomial that rounds off the step of a
; naive waveform at phase 0, which removes most of its aliasing. dt is the
; phase increment per sample.
(defmacro polyblep (phase dt)
  (def a (/ phase dt))
  (def b (/ (- phase 1) dt))
  (+ (* (lt phase dt) (- (+ a a) (* a a) 1))
     (* (gt phase (- 1 dt)) (+ (* b b) b b 1))))

(defmacro blep-saw (phase dt)
  (- (- (* 2 phase) 1) (polyblep phase dt)))

; A pulse rises at phase 0 and falls at phase = width: one residual for each edge.
(defmacro blep-pulse (phase width dt)
  (+ (- (* 2 (lt phase width)) 1)
     (polyblep phase dt)
     (- 0 (polyblep (wrap (- phase width) 0 1) dt))))

; ---- filters -----------------------------------------------------------------

; The state-variable highpass comes from the standard library (docs/STDLIB.md).
(import std/filters)

; One trapezoidal one-pole lowpass stage; `state` is a history cell.
(defmacro one-pole-stage (x G state)
  (def s (read-history state))
  (def v (* (- x s) G))
  (def y (+ v s))
  (write-history state (+ y v))
  y)

; A 4-pole ladder lowpass. The feedback loop is solved without a unit delay:
; each stage's output is G*input + state/(1+g), so the last stage's output is
; G^4*u + S, and u = (x - k*S) / (1 + k*G^4). tanh saturates the input and the
; loop, which tames the resonance like the transistor ladder it imitates.
(defmacro ladder (input cutoff resonance drive)
  (def g (tan (* pi (/ (clip cutoff 10 (* 0.45 samplerate)) samplerate))))
  (def G (/ g (+ 1 g)))
  (def k (* 4 (clip resonance 0 1.05)))
  (make-history z1)
  (make-history z2)
  (make-history z3)
  (make-history z4)
  (def S (/ (+ (* G G G (read-history z1)) (* G G (read-history z2)) (* G (read-history z3)) (read-history z4))
            (+ 1 g)))
  (def u (tanh (/ (- (tanh (* drive input)) (* k S)) (+ 1 (* k G G G G)))))
  (def y1 (one-pole-stage u G z1))
  (def y2 (one-pole-stage y1 G z2))
  (def y3 (one-pole-stage y2 G z3))
  (def y4 (one-pole-stage y3 G z4))
  (* y4 (+ 1 (* 0.5 k))))  ; make up the passband gain the resonance takes away

; ---- envelope ----------------------------------------------------------------

; ADSR: a linear attack from a rising gate, then exponential decay to the
; sustain level while the gate stays high, and exponential release after it
; falls. Times are seconds (the decay and release reach 1% of their distance).
(defmacro adsr (gate attack decay sustain release)
  (make-history level)
  (make-history attacking)
  (make-history was-on)
  (def on (gt gate 0.5))
  (def rising (* on (lte (read-history was-on) 0.5)))
  (def prev (read-history level))
  (def in-attack (* on (max rising (read-history attacking))))
  (def attack-step (/ 1 (max 1 (* attack samplerate))))
  (def decay-coef (- 1 (exp (/ -4.6 (max 1 (* decay samplerate))))))
  (def release-coef (- 1 (exp (/ -4.6 (max 1 (* release samplerate))))))
  (def next
    (gswitch in-attack
      (min 1 (+ prev attack-step))
      (gswitch on
        (+ prev (* decay-coef (- sustain prev)))
        (- prev (* release-coef prev)))))
  (write-history attacking (* in-attack (lt next 1)))
  (write-history was-on on)
  (write-history level next))

; ---- controls ----------------------------------------------------------------

(param pitch @note pitch @default 55 @min 20 @max 2000 @unit Hz)
(param key @note gate @voices 8 @default 0 @min 0 @max 1 @trainable false)
(param velocity @note velocity @default 1 @min 0 @max 1 @trainable false)
(param demo @default 1 @min 0 @max 1 @trainable false)  ; a switch, not a sound param
(param tempo @default 4 @min 0.5 @max 16 @unit Hz @trainable false)  ; sequencer steps per second

(param saw-level @default 0.8 @min 0 @max 1)
(param pulse-level @default 0.45 @min 0 @max 1)
(param pulse-width @default 0.3 @min 0.05 @max 0.95)
(param cutoff @default 180 @min 20 @max 18000 @unit Hz)
(param resonance @default 0.55 @min 0 @max 1)
(param env-amount @default 2200 @min 0 @max 10000 @unit Hz)
(param drive @default 1.6 @min 0.1 @max 8)
(param hp-cutoff @default 35 @min 10 @max 1000 @unit Hz)
(param gain @default 0.3 @min 0 @max 1)

; Two envelopes whose params share short names: each is named group.name.
(param attack @group amp @env amp @role attack @default 0.003 @min 0.001 @max 2 @unit s)
(param decay @group amp @env amp @role decay @default 0.25 @min 0.01 @max 4 @unit s)
(param sustain @group amp @env amp @role sustain @default 0.6 @min 0 @max 1)
(param release @group amp @env amp @role release @default 0.08 @min 0.005 @max 4 @unit s)
(param attack @group filter @env filter @role attack @default 0.001 @min 0.001 @max 2 @unit s)
(param decay @group filter @env filter @role decay @default 0.18 @min 0.01 @max 4 @unit s)
(param sustain @group filter @env filter @role sustain @default 0.1 @min 0 @max 1)
(param release @group filter @env filter @role release @default 0.1 @min 0.005 @max 4 @unit s)

; ---- the voice ---------------------------------------------------------------

; The sequencer: eight steps of a minor bass line, a gate held for 55% of a step.
(def clock (phasor tempo))
(def step (floor (* 8 (phasor (/ tempo 8)))))
(def semitones (selector (+ step 1) 0 0 12 0 3 0 7 -2))
(def gate (max (in 1 @name gate) key (* demo (lt clock 0.55))))
(def freq (* pitch (pow 2 (/ (* demo semitones) 12))))

(def dt (/ freq samplerate))
(def detuned (* freq 1.003))
(def osc (+ (* saw-level (blep-saw (phasor freq) dt))
            (* pulse-level (blep-pulse (phasor detuned) pulse-width (/ detuned samplerate)))))

(def amp-env (adsr gate amp.attack amp.decay amp.sustain amp.release))
(def filter-env (adsr gate filter.attack filter.decay filter.sustain filter.release))

(def filtered (ladder osc (+ cutoff (* env-amount filter-env)) resonance drive))
(def hp (svf-hp filtered hp-cutoff 0.707))
(out (* gain velocity amp-env hp) 1 @name audio)

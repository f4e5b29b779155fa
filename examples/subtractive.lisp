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

; The polyBLEP oscillators, the ladder, the state-variable highpass and the envelopes
; come from the standard library (docs/STDLIB.md).
(import std)

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

(def osc (+ (* saw-level (saw freq)) (* pulse-level (pulse (* freq 1.003) pulse-width))))

; Linear attacks, exponential decays and releases (each reaching 1% in its time).
(def amp-env (adsr-exp gate amp.attack amp.decay amp.sustain amp.release))
(def filter-env (adsr-exp gate filter.attack filter.decay filter.sustain filter.release))

(def filtered (ladder osc (+ cutoff (* env-amount filter-env)) resonance drive))
(def hp (svf-hp filtered hp-cutoff 0.707))
(out (* gain velocity amp-env hp) 1 @name audio)

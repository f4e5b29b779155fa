; std/env: envelopes and smoothing (docs/STDLIB.md). Times are in seconds.

(import std/util)

; Linear envelope segments from a trigger: attack to 1 from the current level, decay to
; sustain while hold > 0, release to 0 (from the level it starts at) once hold <= 0.
; Each segment takes its time (at least one frame); a trigger restarts the attack.
(defmacro envelope (trig hold attack decay sustain release)
  (make-history level)
  (make-history stage)  ; 1 attack, 2 decay or sustain, 0 release or idle
  (def prev (read-history level))
  (def was (read-history stage))
  (def now (gswitch trig 1 (gswitch hold was 0)))
  (def release-from (latch prev (* (gt was 0) (eq now 0))))
  (def next
    (gswitch (eq now 1) (min (+ prev (/ 1 (max (* attack samplerate) 1))) 1)
      (gswitch (eq now 2) (max (- prev (/ (- 1 sustain) (max (* decay samplerate) 1))) sustain)
        (max (- prev (/ release-from (max (* release samplerate) 1))) 0))))
  (write-history stage (gswitch (* (eq now 1) (gte next 1)) 2 now))
  (write-history level next))

; ADSR on a gate (> 0 while a key is held): attack on each rise of the gate.
(defmacro adsr (gate attack decay sustain release)
  (envelope (rising gate) (gt gate 0) attack decay sustain release))
; Attack-release on a trigger: up to 1 in `attack`, back to 0 in `release`.
(defmacro ar (trig attack release) (envelope (rising trig) 1 attack release 0 release))

; One-pole smoothing with a time constant of `seconds` (63% of a step in that time);
; it starts at x's first value, so a smoothed param does not glide in from 0.
(defmacro smooth (x seconds)
  (make-history y)
  (def from (gswitch (click) x (read-history y)))
  (write-history y (+ x (* (exp (/ -1 (max (* seconds samplerate) 1e-9))) (- from x)))))

; gen~'s slide: y moves 1/up of the way towards a rising x per frame, 1/down towards a
; falling one (up and down in frames, at least 1); it starts at x's first value.
(defmacro slide (x up down)
  (make-history y)
  (def from (gswitch (click) x (read-history y)))
  (write-history y (+ from (/ (- x from) (max (gswitch (gt x from) up down) 1)))))

; The per-frame coefficient of an exponential segment that covers 99% of its distance
; in `seconds` (at least one frame): 1 - exp(-ln(100)/(seconds·sr)).
(defmacro exp-rate (seconds) (- 1 (exp (/ (- 0 (log 100)) (max (* seconds samplerate) 1)))))

; ADSR with exponential decay and release, like an analog envelope's RC segments: the
; attack rises linearly to 1 from the current level (restarted by each rise of the gate),
; the decay falls towards sustain and the release towards 0 by exp-rate per frame.
(defmacro adsr-exp (gate attack decay sustain release)
  (make-history level)
  (make-history attacking)
  (def on (gt gate 0))
  (def prev (read-history level))
  (def in-attack (* on (max (rising gate) (read-history attacking))))
  (def next
    (gswitch in-attack (min 1 (+ prev (/ 1 (max (* attack samplerate) 1))))
      (+ prev (* (gswitch on (exp-rate decay) (exp-rate release)) (- (* on sustain) prev)))))
  (write-history attacking (* in-attack (lt next 1)))
  (write-history level next))

; A curve shape for a level in [0, 1]: (exp(shape·x) - 1)/(exp(shape) - 1), which keeps
; 0 and 1; shape > 0 starts slowly and ends fast, < 0 the reverse, |shape| < 1e-3 is x.
(defmacro curve (x shape)
  (def linear (lt (abs shape) 1e-3))
  (def s (gswitch linear 1 shape))  ; keeps the unused branch finite (and its gradient 0)
  (gswitch linear x (/ (- (exp (* s x)) 1) (- (exp s) 1))))

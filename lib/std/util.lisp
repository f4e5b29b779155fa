; std/util: logic, pitch and level conversions, edges, sample-and-hold, counting.
; Every piece is a macro on dgen's primitives (docs/STDLIB.md). Truth is `> 0`, as for
; gswitch; results of tests are 1 or 0.

; a where c > 0, else b. Both branches are computed every frame (it is a
; select, not control flow); the gradient flows into the branch that was chosen.
(defmacro if (c a b) (gswitch c a b))
; 1 where x <= 0, else 0.
(defmacro not (x) (lte x 0))
; 1 where a > 0 and b > 0, else 0.
(defmacro and (a b) (* (gt a 0) (gt b 0)))
; 1 where a > 0 or b > 0, else 0.
(defmacro or (a b) (max (gt a 0) (gt b 0)))

; MIDI note to Hz: 440·2^((note - 69)/12).
(defmacro mtof (note) (* 440 (pow 2 (/ (- note 69) 12))))
; Hz to MIDI note: 69 + 12·log2(freq/440), freq floored at 1e-6 Hz.
(defmacro ftom (freq) (+ 69 (* 12 (/ (log (/ (max freq 1e-6) 440)) (log 2)))))
; Decibels to linear amplitude: 10^(db/20).
(defmacro dbtoa (db) (pow 10 (/ db 20)))
; Linear amplitude to decibels: 20·log10(amp), -180 dB for amplitudes at or below 1e-9.
(defmacro atodb (amp) (* 20 (log10 (max amp 1e-9))))

; x on the previous frame (0 on frame 0).
(defmacro previous (x)
  (make-history last)
  (def before (read-history last))
  (write-history last x)
  before)
; x minus x on the previous frame.
(defmacro delta (x) (- x (previous x)))
; 1 where x rises, -1 where it falls, 0 where it holds.
(defmacro change (x) (sign (delta x)))
; 1 on the frame x becomes > 0 (it was <= 0 the frame before, or this is frame 0).
(defmacro rising (x) (* (gt x 0) (lte (previous x) 0)))
; 1 on the frame x becomes <= 0 after being > 0.
(defmacro falling (x) (* (lte x 0) (gt (previous x) 0)))
; x sampled where trig rises, held in between (0 before the first rise).
(defmacro sah (x trig) (latch x (rising trig)))

; The number of rises of trig so far, back to 0 while reset > 0 and when it reaches
; limit (limit <= 0: no wrap): with limit 4 it counts 1 2 3 0 1 2 3 0 …
(defmacro counter (trig reset limit)
  (make-history count)
  (def up (+ (read-history count) (rising trig)))
  (def wrapped (gswitch (* (gt limit 0) (gte up limit)) 0 up))
  (write-history count (gswitch reset 0 wrapped)))

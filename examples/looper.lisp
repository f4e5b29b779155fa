; A looper: half a second of input 1 recorded into a buffer while `record` is on and played
; back from the same playhead, each pass fading by `feedback` (poke and peek on a history
; cell: docs/LANGUAGE.md, "Buffers: poke").
(param record @default 1 @min 0 @max 1 @trainable false)
(param feedback @default 0.7 @min 0 @max 1)
(param wet @default 0.5 @min 0 @max 1)

(make-history loop @shape [22050])             ; 0.5 s at 44.1 kHz
(def head (accum 1 0 0 22050))                 ; the playhead: 0, 1, …, 22049, 0, …
(def played (peek loop head))                  ; last pass's sample (reads see the old buffer)
(poke loop head (+ (* record (in 1)) (* feedback played)))
(out (+ (* (- 1 wet) (in 1)) (* wet played)) 1 @name audio)

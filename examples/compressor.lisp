; A drum-bus compressor: feed-forward, soft knee, with makeup gain and a
; parallel ("New York") blend of the dry signal. It processes a recording on
; input channel 1 (silence without one):
;
;   dgen render examples/compressor.lisp --in 1=drums.wav -o squashed.wav
;   dgen render examples/compressor.lisp --in 1=drums.wav --set ratio=8 --set blend=0.5 -o parallel.wav

(param threshold @default -24 @min -60 @max 0 @unit dB)
(param ratio @default 4 @min 1 @max 20)
(param knee @default 6 @min 0 @max 24 @unit dB)
(param attack @default 0.01 @min 0.0001 @max 0.5 @unit s)    ; slow enough to let the transients through
(param release @default 0.15 @min 0.005 @max 2 @unit s)
(param makeup @default 8 @min 0 @max 30 @unit dB)
(param blend @default 1 @min 0 @max 1)                      ; 1 = all compressed, 0 = all dry

(def drums (in 1 @name drums))
; The library's feed-forward compressor (docs/STDLIB.md): the peak level through a
; soft-knee curve, the gain smoothed with the attack and release times, plus makeup.
(import std/fx)
(def wet (compress drums threshold ratio knee attack release makeup))

; A final soft clip keeps the makeup gain from ever overshooting full scale.
(out (tanh (mix drums wet blend)) 1 @name audio)

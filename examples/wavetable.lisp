; A wavetable oscillator with bilinear reads. The table holds four band-limited
; waves (sine, triangle, saw, square; 16 harmonics each) as 256 samples x 4
; waves, read from waves/basic4.json. `peek` interpolates along both axes: along
; the samples for a smooth waveform, and across the waves, so a slow LFO on the
; wave position morphs continuously sine -> triangle -> saw -> square and back.
;
;   dgen render examples/wavetable.lisp -o morph.wav --seconds 6
;   dgen render examples/wavetable.lisp --set morph-depth=0 --set wave=2 -o saw.wav

(param freq @default 110 @min 20 @max 2000 @unit Hz)
(param wave @default 1.5 @min 0 @max 3)            ; 0 sine, 1 triangle, 2 saw, 3 square
(param morph-rate @default 0.25 @min 0 @max 4 @unit Hz)
(param morph-depth @default 1.5 @min 0 @max 1.5)
(param gain @default 0.25 @min 0 @max 1)

(def table (tensor @shape [256 4] @file "waves/basic4.json"))

(def position (clip (+ wave (* morph-depth (sin (* twopi (phasor morph-rate))))) 0 3))
; peek clamps at the last row; sample-wrap (docs/STDLIB.md) interpolates across the
; table's end back to row 0, so the cycle has no seam.
(import std/tables)
(def wrapped (sample-wrap table (phasor freq) position))

(def fade-in (min 1 (accum (/ 50 samplerate) 0 0 1000000)))
(out (* gain fade-in wrapped) 1 @name audio)

; A 32-partial additive voice. One phasor per partial runs on a tensor of
; frequencies (a bank of 32 oscillators); a tensor of amplitudes shapes the
; spectrum, here an organ-like tone with strong low partials and weak even ones
; high up. `brightness` tilts the spectrum and a slow LFO makes it breathe.
; Partials above 0.45 x the sample rate are muted so nothing aliases.
;
;   dgen render examples/additive.lisp -o organ.wav --seconds 4
;   dgen render examples/additive.lisp --set freq=65.4 --set brightness=0.3 -o low.wav

(param freq @default 130.8 @min 20 @max 1000 @unit Hz)
(param brightness @default 0.6 @min 0 @max 1)
(param breathe-rate @default 0.3 @min 0 @max 4 @unit Hz)
(param gain @default 0.2 @min 0 @max 1)

(def amplitudes (tensor @shape [32] @data [
  1.00 0.70 0.55 0.30 0.40 0.18 0.25 0.10
  0.20 0.08 0.15 0.06 0.12 0.05 0.10 0.04
  0.08 0.03 0.07 0.03 0.06 0.02 0.05 0.02
  0.04 0.02 0.04 0.01 0.03 0.01 0.03 0.01]))

(def harmonics (iota 32 1 1))  ; 1 2 3 … 32

; Tilt: partial k is scaled by exp(-k * (1 - brightness) * 0.15), moving with the LFO.
(def breathe (+ 1 (* 0.3 (sin (* twopi (phasor breathe-rate))))))
(def tilt (exp (* -0.15 (- 1 brightness) breathe harmonics)))

(def freqs (* freq harmonics))
(def audible (lt freqs (* 0.45 samplerate)))
(def partials (* amplitudes tilt audible (sin (* twopi (phasor freqs)))))

; A 30 ms fade-in avoids a click at the start.
(def fade-in (min 1 (accum (/ 33 samplerate) 0 0 1000000)))
(out (* gain fade-in (sum partials)) 1 @name audio)

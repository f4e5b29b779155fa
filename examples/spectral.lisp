; Spectral filtering: the signal is cut into overlapping windows (1024 samples,
; a new one every 256), each is Hann-windowed and transformed with an FFT, the
; spectrum is multiplied by a mask, and the inverse FFTs are overlap-added back
; into a signal. The mask here is a resonant band (a Gaussian bump on a
; log-frequency axis) whose centre sweeps slowly up and down: a spectral
; "wah" on a rich sawtooth chord. Hann windows at 75% overlap sum to 2, hence the
; 0.5 at the end; the output lags the input by one window (1023 samples).
;
; It processes input channel 1 too; set demo=0 to hear only the input:
;
;   dgen render examples/spectral.lisp -o sweep.wav --seconds 8
;   dgen render examples/spectral.lisp --set demo=0 --in 1=drums.wav -o filtered.wav

(param low @default 200 @min 20 @max 10000 @unit Hz)     ; the band's lowest centre
(param octaves @default 4 @min 0 @max 8)                  ; how far the centre sweeps
(param sweep-rate @default 0.12 @min 0 @max 4 @unit Hz)
(param width @default 0.35 @min 0.05 @max 2)              ; band width, in octaves
(param gain @default 2 @min 0 @max 4)
(param demo @default 1 @min 0 @max 1 @trainable false)  ; a switch, not a sound param

(def N 1024)
(def HOP 256)

; The demo source: an A minor chord of sawtooths (plenty of harmonics to filter; the
; standard library's saw is band-limited, docs/STDLIB.md).
(import std/osc)
(def chord (* 0.2 (+ (saw 110) (saw 130.8) (saw 164.8) (saw 220.5))))
(def source (+ (in 1 @name audio-in) (* demo chord)))

; Bin k of a real signal's spectrum is frequency min(k, N - k) * sr / N: the mask
; must be symmetric so the inverse transform stays real.
(def bins (iota N))
(def bin-hz (* (min bins (- N bins)) (/ samplerate N)))

; The centre moves once per window (hop-hold), which is all the mask needs.
(def sweep (* 0.5 (+ 1 (sin (* twopi (phasor sweep-rate))))))
(def centre (hop-hold (* low (pow 2 (* octaves sweep))) HOP))
(def distance (/ (log (/ (+ bin-hz 1) centre)) (* width (log 2))))
(def mask (exp (* -0.5 distance distance)))

(def windowed (* (buffer source N HOP) (hann N)))
(def (re im) (fft windowed))
(def filtered (ifft (* re mask) (* im mask)))
(out (* 0.5 gain (overlap-add filtered HOP)) 1 @name audio @latency 1023)  ; hosts compensate the lag

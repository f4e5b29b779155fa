; A phase-vocoder pitch shift: input 1 and a 330 Hz tone moved up a fifth (ratio 1.5),
; 1024-point spectra every 256 frames, Hann windows at both ends (whose overlap-added
; square sums to 1.5, hence the 1/1.5) (docs/LANGUAGE.md, "Spectral processing").
(param ratio @default 1.5 @min 0.5 @max 2)

(def x (+ (in 1) (* 0.3 (sin (* twopi (phasor 330))))))
(def (re im) (fft (* (buffer x 1024 256) (hann 1024))))
(def (shifted-re shifted-im) (phase-vocoder re im ratio))
(out (* (/ 1 1.5) (overlap-add (* (ifft shifted-re shifted-im) (hann 1024)) 256)) 1 @name audio)

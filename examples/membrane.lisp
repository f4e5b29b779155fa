; A struck 2-D membrane: the wave equation on a 16 x 16 grid with fixed edges.
; Each sample the displacement u advances by
;   u_next = damping * (2 u - u_prev + tension * laplacian(u)) + strike
; where the Laplacian is a conv2d with the 5-point stencil (zero padding at the
; border holds the edges still). Two tensor history cells keep u and u_prev.
; A strike adds a soft Gaussian dent off-centre, which excites many modes;
; the sound is read at a pickup point with a bilinear peek. Tension sets the
; pitch: at 44.1 kHz the lowest mode is near 260 Hz at the default tension (the
; simulation runs per sample, so the pitch scales with the sample rate; the
; scheme is stable up to 0.5).
;
;   dgen render examples/membrane.lisp -o drum.wav --seconds 4
;   dgen render examples/membrane.lisp --set tension=0.4 --set damping=0.99995 -o ring.wav

(param tension @default 0.02 @min 0.005 @max 0.5)
(param damping @default 0.99985 @min 0.999 @max 1)    ; per sample: the ring lasts about 2 / (1 - damping) samples
(param rate @default 1.5 @min 0.1 @max 8 @unit Hz @trainable false)  ; strikes per second
(param gain @default 0.25 @min 0 @max 4)

(def laplacian-kernel (tensor @shape [3 3] @data [0 1 0
                                                  1 -4 1
                                                  0 1 0]))

; The strike shape: a Gaussian bump centred at row 5, column 6 (an outer product).
(defmacro bump (centre) (exp (* -0.5 (pow (/ (- (iota 16) centre) 1.5) 2))))
(def dent (* (reshape (bump 5) @shape [16 1]) (reshape (bump 6) @shape [1 16])))

; One strike per clock period: true on the one frame where the clock has wrapped.
(def clock (phasor rate))
(def strike (lt clock (/ rate samplerate)))

(make-tensor-history u @shape [16 16])
(make-tensor-history u-prev @shape [16 16])
(def now (read-tensor-history u))
(def laplacian (conv2d now laplacian-kernel @padding same))
(def next (+ (* damping (- (+ now now (* tension laplacian)) (read-tensor-history u-prev)))
             (* strike dent)))
(write-tensor-history u-prev now)
(write-tensor-history u next)

(out (tanh (* gain (peek next 11.3 4.7))) 1 @name audio)

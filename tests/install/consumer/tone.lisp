; The patch tests/install/consumer/render_patch.cpp loads through the installed package.
(param freq @default 220 @min 20 @max 20000 @unit Hz)
(out (sin (* twopi (phasor freq))) 1 @name tone)

; expect: 2:38: param: @role must be attack, decay, sustain or release, got hold
(param a @default 0.1 @env amp @role hold)
(out a 1)

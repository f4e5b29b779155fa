; expect: 2:28: param: @env needs a @role (attack, decay, sustain or release)
(param a @default 0.1 @env amp)
(out a 1)

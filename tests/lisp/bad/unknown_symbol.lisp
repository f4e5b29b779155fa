; expect: 3:16: unknown symbol 'frq' (did you mean 'freq'?)
(param freq @default 440)
(out (sin (* 2 frq)) 1)

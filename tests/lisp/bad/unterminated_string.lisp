; expect: 2:22: unterminated string
(def t (tensor @file "waves.json))

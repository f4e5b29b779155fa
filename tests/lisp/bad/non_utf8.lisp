; expect: 3:11: invalid UTF-8 byte 0xFF (patches must be UTF-8 text)
(def x 1)
(out (* x ÿ) 1)

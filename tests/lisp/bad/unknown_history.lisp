; expect: 2:20: read-history: unknown history 'h': create it first with (make-history h)
(out (read-history h) 1)

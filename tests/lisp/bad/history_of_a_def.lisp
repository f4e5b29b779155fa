; expect: 3:20: read-history: 'h' is a number, not a history cell
(def h 3)
(out (read-history h) 1)

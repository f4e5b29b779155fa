; std/tables: table reads that wrap around the table's end (docs/STDLIB.md). `peek` is
; the clip mode: it clamps positions into the table. A table is 1-D [samples] or 2-D
; [samples, channels] (docs/LANGUAGE.md, Reads).

; The number of rows (samples) of a table: its element count over a row's.
(defmacro table-rows (table)
  (/ (sum (+ 1 (* 0 table))) (sum (+ 1 (* 0 (peek-row table 0))))))

; peek with the index wrapped into [0, rows): the last row interpolates towards row 0,
; so a periodic table reads without a seam.
(defmacro peek-wrap (table index channel)
  (def rows (table-rows table))
  (def i (wrap index 0 rows))
  (def i0 (floor i))
  (mix (peek table i0 channel) (peek table (wrap (+ i0 1) 0 rows) channel) (- i i0)))

; sample with a seamless wrap: peek-wrap at phase·rows (one period per unit of phase).
(defmacro sample-wrap (table phase channel) (peek-wrap table (* phase (table-rows table)) channel))

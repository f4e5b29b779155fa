; expect: 2:7: expected an operator name at the start of a form, got a number
(out (1 2) 1)

; expect: 2:6: empty form (): expected an operator, e.g. (sin x)
(out () 1)

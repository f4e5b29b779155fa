; expect: 2:6: 'sin' is an operator: call it as (sin …)
(out sin 1)

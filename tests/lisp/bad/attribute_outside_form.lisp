; expect: 2:1: attribute @name must follow an operator inside a form
@name
(out 0 1)

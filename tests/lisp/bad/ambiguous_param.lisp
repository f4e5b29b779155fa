; expect: 4:6: param name 'attack' is ambiguous: say amp.attack or filter.attack
(param attack @group amp @default 0.01)
(param attack @group filter @default 0.02)
(out attack 1)

; expect: 2:5: unexpected control character 0x01
(out 0 1)

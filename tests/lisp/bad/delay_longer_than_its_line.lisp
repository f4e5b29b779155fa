; expect: 2:6: delay: 100 frames is longer than the line of max 10 (it holds delays up to 9 frames)
(out (delay (noise) 100 @max-delay 10) 1)

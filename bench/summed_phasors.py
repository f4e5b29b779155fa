#!/usr/bin/env python3
"""Prints a patch of N summed phasors (100, 100.37, 100.74... Hz), scaled to [0, 1).

A stress test of compile time on scalar-heavy patches (docs/PERFORMANCE.md, "Compile
time of large patches"): thousands of independent state SCCs and a chain of adds.

    python3 bench/summed_phasors.py 4000 > /tmp/p4000.lisp
"""
import sys


def patch(n: int) -> str:
    terms = " ".join(f"(phasor {100 + 0.37 * k:.2f})" for k in range(n))
    return f"; {n} summed phasors\n(out (* {1.0 / n!r} (+ {terms})) 1)\n"


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 2:
        sys.exit("usage: summed_phasors.py N   (N >= 2)")
    sys.stdout.write(patch(int(sys.argv[1])))

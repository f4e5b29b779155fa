"""Python's overhead per call against the C++ API (docs/PERFORMANCE.md, "Python").

Renders 1 s of examples/subtractive.lisp at 48 kHz through dgen.Patch.compile(...).render
many times and compares the whole call with the Program::run inside it (the time the C++
API takes for the same render, measured by the extension around that call). The rest is
what Python adds: checking arguments, setting params, copying the output into numpy.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [--repeats 50]
"""
import argparse
import pathlib
import statistics
import time

import dgen

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--lanes", type=int, default=1)
    args = parser.parse_args()
    patch = dgen.load(str(ROOT / "examples" / "subtractive.lisp"))
    compiled = patch.compile(sample_rate=48000, lanes=args.lanes)
    compiled.render(48000)  # compiles (or loads from the cache) and warms up
    whole, inner = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        compiled.render(48000, params={"cutoff": 400.0})
        whole.append(time.perf_counter() - start)
        inner.append(compiled._renderer.last_run_seconds)
    # Per call, the overhead is the whole call less its Program::run; on a loaded machine
    # the fastest calls say most about the code, the median about a typical call.
    extra = [w - c for w, c in zip(whole, inner)]
    best, typical = min(inner), statistics.median(inner)
    least, median = min(extra), statistics.median(extra)
    print(f"1 s of subtractive.lisp at 48 kHz, {args.lanes} lane(s), {args.repeats} calls: "
          f"C++ Program::run best {best * 1e3:.3f} ms, median {typical * 1e3:.3f} ms; "
          f"Python's overhead per call least {least * 1e6:.0f} us ({100 * least / best:.2f}% of the "
          f"best run), median {median * 1e6:.0f} us ({100 * median / typical:.2f}% of the median run)")


if __name__ == "__main__":
    main()

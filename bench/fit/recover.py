#!/usr/bin/env python3
"""Hidden-param recovery benchmark of `dgen train` (docs/TRAINING.md, "Recovering hidden
params").

For every example patch: render a target from the patch with hidden values drawn uniformly
within +-20% of each trained param's range (in its unit coordinate) around the seed, train
with nothing but --target (default settings), and count a point as recovered when every
trained param that can learn lands within 5% of its range of the hidden value.

    bench/fit/recover.py BUILD/dgen [--points 10] [--seconds 0.5] [--jobs N] [patch.lisp ...]

Prints one line per patch and a JSON summary on the last line.
"""
import argparse
import concurrent.futures
import glob
import json
import math
import os
import random
import subprocess
import sys
import tempfile

# Processor patches read audio on input channel 1; they are fed this while training.
INPUTS = {"compressor.lisp": "1=data/909kick.wav"}


def unit(p, value):
    lo, hi = p["min"], p["max"]
    value = min(max(value, lo), hi)
    if p["scale"] == "log":
        return math.log(value / lo) / math.log(hi / lo)
    return (value - lo) / (hi - lo)


def from_unit(p, u):
    lo, hi = p["min"], p["max"]
    u = min(max(u, 0.0), 1.0)
    return lo * (hi / lo) ** u if p["scale"] == "log" else lo + u * (hi - lo)


def events(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(" ".join(cmd) + ":\n" + done.stderr)
    return done.stdout


def inputs_for(patch):
    name = os.path.basename(patch)
    return ["--in", INPUTS[name]] if name in INPUTS else []


def one_point(dgen, patch, seconds, point, work):
    rng = random.Random(1000 * point + sum(map(ord, os.path.basename(patch))))
    tmp = tempfile.mkdtemp(dir=work)
    seed_wav = os.path.join(tmp, "seed.wav")
    run([dgen, "render", patch, "--seconds", str(seconds), "-o", seed_wav] + inputs_for(patch))
    plan = events(run([dgen, "train", patch, "--target", seed_wav, "--job-dir",
                       os.path.join(tmp, "plan"), "--epochs", "0", "--search", "none"]
                       + inputs_for(patch)))[0]
    hidden = {}
    for p in plan["params"]:
        u = unit(p, p["seed"]) + rng.uniform(-0.2, 0.2)
        hidden[p["name"]] = from_unit(p, u)
    target = os.path.join(tmp, "target.wav")
    sets = [a for n, v in hidden.items() for a in ("--set", f"{n}={v!r}")]
    run([dgen, "render", patch, "--seconds", str(seconds), "-o", target] + sets + inputs_for(patch))
    out = events(run([dgen, "train", patch, "--target", target, "--job-dir",
                      os.path.join(tmp, "job")] + inputs_for(patch)))
    result = out[-1]
    learn = [p for p in plan["params"] if p["name"] not in {c["name"] for c in plan["cannot_learn"]}]
    errors = {p["name"]: abs(unit(p, result["params"][p["name"]]["to"]) - unit(p, hidden[p["name"]]))
              for p in learn}
    return {"errors": errors, "improvement": result["improvement_percent"],
            "epochs": result["epochs_run"], "seconds": result["seconds"],
            "cannot_learn": [c["name"] for c in plan["cannot_learn"]]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dgen")
    ap.add_argument("patches", nargs="*")
    ap.add_argument("--points", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--tolerance", type=float, default=0.05)
    args = ap.parse_args()
    patches = args.patches or sorted(glob.glob("examples/*.lisp"))
    work = tempfile.mkdtemp(prefix="dgen-fit-")
    summary = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {(patch, k): pool.submit(one_point, args.dgen, patch, args.seconds, k, work)
                   for patch in patches for k in range(args.points)}
        for patch in patches:
            points = []
            for k in range(args.points):
                try:
                    points.append(futures[(patch, k)].result())
                except RuntimeError as e:
                    points.append({"error": str(e).strip().splitlines()[-1]})
            ok = [p for p in points if "errors" in p]
            recovered = sum(1 for p in ok if max(p["errors"].values(), default=0) <= args.tolerance)
            worst = {}
            for p in ok:
                for n, e in p["errors"].items():
                    worst[n] = max(worst.get(n, 0), e)
            name = os.path.basename(patch)
            summary[name] = {"recovered": recovered, "points": args.points,
                             "worst_error": {n: round(e, 4) for n, e in worst.items()},
                             "cannot_learn": ok[0]["cannot_learn"] if ok else [],
                             "failed": [p["error"] for p in points if "error" in p][:1]}
            worst_name = max(worst, key=worst.get) if worst else "-"
            print(f"{name:22s} {recovered:2d}/{args.points} recovered; worst "
                  f"{worst.get(worst_name, 0):.3f} ({worst_name})", flush=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())

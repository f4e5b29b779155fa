#!/usr/bin/env python3
"""Hidden-param recovery benchmark of `dgen train` (docs/TRAINING.md, "Recovering hidden
params").

For every example patch: render a target from the patch with hidden values drawn uniformly
within +-20% of each trained param's range (in its unit coordinate) around the seed, train
with nothing but --target (default settings), and count a point as recovered when every
trained param the loss sees lands within 5% of its range of the hidden value. A param is
unseen when moving it 5% of its range from the hidden values raises the loss by less than
1% of the rise of the most sensitive param: the sound does not tell its value, so it is
reported, not counted as a failure. Likewise params that missed are traded off when the
loss at the found values exceeds the loss at the hidden values by less than that 1%: the
found values sound the same to the loss, so the params moved along a ridge of equal sound
and are not identifiable at that point.

    bench/fit/recover.py BUILD/dgen [--points 10] [--only K] [--seconds S] [--jobs N]
                         [--json FILE] [--train-args "ARGS"] [patch.lisp ...]

Prints one line per patch as it completes and a table last. With --json, every point's
result is kept in FILE as it completes, and points already there (same render length)
are not run again: an interrupted run resumes. --stop-after S starts no new point after
S seconds (those running finish), for callers with a time limit. --train-args appends its
words to every fitting `dgen train` (say "--loss mrstft:low"); the loss rises that decide
unseen and traded-off params still come from the default loss. A point's result records
them, and a point kept with other train args is run again.
"""
import argparse
import concurrent.futures
import glob
import json
import math
import os
import random
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time

# Render lengths (seconds) and host inputs of the patches the defaults do not suit: a
# processor needs something to process, and a patch must sound long enough for every
# param to reach the output (feedback-delay's echo comes after up to 0.67 s).
PATCHES = {
    "compressor.lisp": {"inputs": ["1=data/909kick.wav"]},
    # The loop is 0.5 s: its feedback is first heard after 1 s.
    "looper.lisp": {"inputs": ["1=data/909kick.wav"], "seconds": 1.5},
    # A sustained note through the delay: its LFO bends every echo's pitch as it goes, where
    # the demo's blips alone give one short echo each (docs/TRAINING.md, "feedback-delay.lisp
    # with a note on its input").
    "feedback-delay.lisp": {"inputs": ["1=data/piano-note.wav"], "seconds": 1.5},
    # A partial's decay of a few seconds shows little in 0.5 s (docs/TRAINING.md).
    "piano.lisp": {"seconds": 2},
}
DEFAULT_SECONDS = 0.5
TOLERANCE = 0.05  # of each param's range
UNSEEN = 0.01  # of the most sensitive param's loss rise


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


def inputs_for(name):
    return [a for i in PATCHES.get(name, {}).get("inputs", []) for a in ("--in", i)]


def seconds_for(name, override):
    return override if override else PATCHES.get(name, {}).get("seconds", DEFAULT_SECONDS)


def first_channel(path):
    """Rewrites a WAV of `dgen render` (float or integer PCM) as its channel 1 alone:
    training fits the patch's channel 1, and a target file would be mixed to mono (a
    stereo reverb's mix is not a sound the patch's channel 1 can make)."""
    with open(path, "rb") as f:
        data = f.read()
    chunks, pos = {}, 12
    while pos + 8 <= len(data):
        size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        chunks[data[pos:pos + 4]] = data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    tag, channels, rate = struct.unpack("<HHI", chunks[b"fmt "][:8])
    bits = struct.unpack("<H", chunks[b"fmt "][14:16])[0]
    if channels == 1:
        return
    if tag == 0xFFFE:  # WAVE_FORMAT_EXTENSIBLE: the format is the subformat's first word
        tag = struct.unpack("<H", chunks[b"fmt "][24:26])[0]
    width, samples = bits // 8, chunks[b"data"]
    mono = b"".join(samples[i:i + width] for i in range(0, len(samples), channels * width))
    fmt = struct.pack("<HHIIHH", tag, 1, rate, rate * width, width, bits)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(mono)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(mono)) + mono)


def sets(values):
    return [a for n, v in values.items() for a in ("--set", f"{n}={v!r}")]


def loss_rises(dgen, patch, target, params, hidden, found):
    """The loss rise of moving each param 5% of its range from the hidden values (the
    larger of the two directions inside the range), and of moving them all to the found
    values and 1/4, 1/2 and 3/4 of the way there (in unit coordinates: a rise on the way
    above the rise at the found values is a barrier between two minima, a flat way is a
    ridge of equal sound), by `dgen grad`'s loss."""
    def loss(values):
        return json.loads(run([dgen, "grad", patch, "--target", target] + sets(values)
                              + inputs_for(os.path.basename(patch))))["loss"]

    base = loss(hidden)
    rises = {}
    for p in params:
        u = unit(p, hidden[p["name"]])
        moved = [loss({**hidden, p["name"]: from_unit(p, v)})
                 for v in (max(0.0, u - TOLERANCE), min(1.0, u + TOLERANCE))]
        rises[p["name"]] = max(moved) - base
    def between(t):
        return {p["name"]: from_unit(p, (1 - t) * unit(p, hidden[p["name"]])
                                     + t * unit(p, found[p["name"]])) for p in params}

    way = [loss({**hidden, **between(t)}) - base for t in (0.25, 0.5, 0.75, 1.0)]
    return rises, way


def one_point(dgen, patch, seconds, point, work, train_args=()):
    name = os.path.basename(patch)
    rng = random.Random(1000 * point + sum(map(ord, name)))
    tmp = tempfile.mkdtemp(dir=work)
    seed_wav = os.path.join(tmp, "seed.wav")
    run([dgen, "render", patch, "--seconds", str(seconds), "-o", seed_wav] + inputs_for(name))
    plan = events(run([dgen, "train", patch, "--target", seed_wav, "--job-dir",
                       os.path.join(tmp, "plan"), "--epochs", "0", "--search", "none",
                       "--pitch-prior", "off"]
                      + inputs_for(name)))[0]
    hidden = {}
    for p in plan["params"]:
        u = unit(p, p["seed"]) + rng.uniform(-0.2, 0.2)
        hidden[p["name"]] = from_unit(p, u)
    target = os.path.join(tmp, "target.wav")
    run([dgen, "render", patch, "--seconds", str(seconds), "-o", target] + sets(hidden)
        + inputs_for(name))
    first_channel(target)
    out = events(run([dgen, "train", patch, "--target", target, "--job-dir",
                      os.path.join(tmp, "job")] + inputs_for(name) + list(train_args)))
    result = out[-1]
    cannot = {c["name"] for c in plan["cannot_learn"]}
    learn = [p for p in plan["params"] if p["name"] not in cannot]
    found = {p["name"]: result["params"][p["name"]]["to"] for p in learn}
    errors = {n: abs(unit(p, found[n]) - unit(p, hidden[n])) for p in learn for n in [p["name"]]}
    done = {"seconds": seconds, "errors": errors, "improvement": result["improvement_percent"],
            "epochs": result["epochs_run"], "train_seconds": result["seconds"],
            "cannot_learn": sorted(cannot)}
    if train_args:
        done["train_args"] = list(train_args)
    # The loss's sensitivity only decides a point that missed somewhere.
    if max(errors.values(), default=0) > TOLERANCE:
        done["rises"], way = loss_rises(dgen, patch, target, learn, hidden, found)
        done["way_rises"], done["found_rise"] = way[:3], way[3]
        done["hidden"], done["found"] = hidden, found
    return done


def unseen(point):
    rises = point.get("rises", {})
    most = max(rises.values(), default=0)
    return sorted(n for n, r in rises.items() if r < UNSEEN * most)


def traded_off(point):
    """The seen params that missed at a point whose found values the loss cannot tell
    from the hidden ones (their loss rise under UNSEEN of the most sensitive param's):
    they moved together along a ridge of equal sound, so they are not identifiable there."""
    rises = point.get("rises", {})
    most = max(rises.values(), default=0)
    if "found_rise" not in point or not point["found_rise"] < UNSEEN * most:
        return []
    hide = set(unseen(point))
    return sorted(n for n, e in point["errors"].items() if e > TOLERANCE and n not in hide)


def recovered(point):
    excused = set(unseen(point)) | set(traded_off(point))
    return all(e <= TOLERANCE for n, e in point["errors"].items() if n not in excused)


def count(names, into):
    for n in names:
        into[n] = into.get(n, 0) + 1


def summarize(points, wanted):
    """A patch's line: points recovered, the worst error of a param the loss sees and
    did not trade off, and the params found unseen or traded off (with how many points)."""
    ok = [points[k] for k in map(str, range(wanted)) if k in points and "errors" in points[k]]
    worst, unseen_count, traded_count = {}, {}, {}
    for p in ok:
        hide, traded = unseen(p), traded_off(p)
        count(hide, unseen_count)
        count(traded, traded_count)
        for n, e in p["errors"].items():
            if n not in hide and n not in traded:
                worst[n] = max(worst.get(n, 0), e)
    failed = [points[k]["error"] for k in map(str, range(wanted))
              if k in points and "error" in points[k]]
    return {"recovered": sum(map(recovered, ok)), "points": len(ok) + len(failed),
            "worst_error": {n: round(e, 4) for n, e in worst.items()},
            "unseen": unseen_count, "traded_off": traded_count,
            "cannot_learn": ok[0]["cannot_learn"] if ok else [],
            "failed": failed[:1], "missing": wanted - len(ok) - len(failed)}


def line(name, s):
    worst = max(s["worst_error"], key=s["worst_error"].get) if s["worst_error"] else "-"
    text = (f"{name:24s} {s['recovered']:2d}/{s['points']:<2d} recovered; worst "
            f"{s['worst_error'].get(worst, 0):.3f} ({worst})")
    if s["missing"]:
        text += f"; {s['missing']} point(s) not run yet"
    for kind in ("unseen", "traded_off"):
        if s[kind]:
            text += (f"; {kind.replace('_', ' ')}: "
                     + ", ".join(f"{n} {c}x" for n, c in sorted(s[kind].items())))
    if s["failed"]:
        text += "; error: " + s["failed"][0]
    return text


def save(path, results):
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dgen")
    ap.add_argument("patches", nargs="*")
    ap.add_argument("--points", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=0,
                    help="render length of every patch (default: 0.5 s or the patch's own)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--json", help="per-point results, kept and resumed")
    ap.add_argument("--stop-after", type=float, default=0,
                    help="start no new point after this many seconds (0: no limit)")
    ap.add_argument("--only", type=int, action="append",
                    help="run only this point (repeatable): one miss again, without the rest")
    ap.add_argument("--train-args", default="",
                    help='words appended to every fitting `dgen train`, such as '
                         '"--loss mrstft:low" (the loss rises use the default loss)')
    args = ap.parse_intermixed_args()  # patches may follow options (recover_all.sh)
    train_args = shlex.split(args.train_args)
    start = time.monotonic()
    patches = args.patches or sorted(glob.glob("examples/*.lisp"))
    results = {}
    if args.json and os.path.exists(args.json):
        with open(args.json) as f:
            results = json.load(f)
    work = tempfile.mkdtemp(prefix="dgen-fit-")
    todo = {}  # (name, point) -> (patch, seconds): not run yet at this length, or failed
    for patch in patches:
        name = os.path.basename(patch)
        seconds = seconds_for(name, args.seconds)
        points = results.setdefault(name, {})
        for k in range(args.points):
            if args.only and k not in args.only:
                continue
            kept = points.get(str(k), {})
            if kept.get("seconds") != seconds or kept.get("train_args", []) != train_args:
                todo[(name, k)] = (patch, seconds)
    remaining = {name: sum(1 for (n, _) in todo if n == name) for name in results}

    def timed(*a):
        if args.stop_after and time.monotonic() - start > args.stop_after:
            return None  # out of time: left for the next run
        return one_point(*a, train_args)

    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = {pool.submit(timed, args.dgen, patch, seconds, k, work): (name, k)
                   for (name, k), (patch, seconds) in todo.items()}
        for future in concurrent.futures.as_completed(futures):
            name, k = futures[future]
            try:
                done = future.result()
            except RuntimeError as e:  # kept without a length, so a later run retries it
                done = {"error": str(e).strip().splitlines()[-1]}
            if done is None:
                continue
            results[name][str(k)] = done
            save(args.json, results)
            remaining[name] -= 1
            if remaining[name] == 0:
                print(line(name, summarize(results[name], args.points)), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'patch':24s} recovered (within {TOLERANCE:.0%} of range; unseen and traded-off "
          "params not counted)")
    for patch in patches:
        name = os.path.basename(patch)
        print(line(name, summarize(results[name], args.points)))


if __name__ == "__main__":
    sys.exit(main())

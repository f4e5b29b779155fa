#!/usr/bin/env python3
"""dgen beside Faust on one core: the single command behind docs/PERFORMANCE.md.

Builds bench_forward (dgen) and, for every program of bench/faust/, a driver around the
Faust-generated C++ in -scal and in -vec -vs 32 mode (g++ -O3 -march=native -ffast-math);
checks that dgen and Faust compute the same signal; runs both sides one program after
the other (same machine, same moment); prints the table. With --update-doc it also
rewrites the generated section of docs/PERFORMANCE.md.

Needs: cmake, ninja, g++, Google Benchmark, the Debian 'faust' package, python3.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAUST_DIR = ROOT / "bench" / "faust"
DOC = ROOT / "docs" / "PERFORMANCE.md"
SAMPLE_RATE = 48000
# (name, label, lag): the name is the .dsp and the dgen benchmark; Faust's output runs
# `lag` samples ahead of dgen's (os.osc outputs the phase after its increment, dgen's
# phasor the phase before it).
PROGRAMS = [
    ("biquad", "(i) biquad, constant coefficients", 0),
    ("modlp", "(ii) resonant lowpass, cutoff modulated every sample", 0),
    ("oscbank", "(iii) 64 summed sine oscillators", 1),
    ("voice", "(iv) subtractive voice", 0),
]
FAUST_MODES = {"scal": ["-scal"], "vec": ["-vec", "-vs", "32"]}
CXXFLAGS = ["-O3", "-march=native", "-ffast-math", "-std=c++17"]
# dgen and Faust must agree to this fraction of the signal's peak (float vs double phase
# accumulators and Faust's table sine differ slightly).
AGREEMENT = 5e-3
BEGIN, END = "<!-- side_by_side:begin -->", "<!-- side_by_side:end -->"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def build_dgen(build_dir):
    if not (build_dir / "CMakeCache.txt").exists():
        run(["cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
             "-DCMAKE_BUILD_TYPE=Release", "-DDGEN_BUILD_BENCH=ON",
             "-DDGEN_BUILD_TESTS=OFF", "-DDGEN_BUILD_TOOLS=OFF"])
    run(["cmake", "--build", str(build_dir), "--target", "bench_forward"])
    return build_dir / "bench" / "bench_forward"


def build_faust_driver(work, name, mode):
    out = work / f"{name}-{mode}"
    out.mkdir(parents=True, exist_ok=True)
    run(["faust", "-lang", "cpp", "-cn", "mydsp", *FAUST_MODES[mode], "-I", str(FAUST_DIR),
         str(FAUST_DIR / f"{name}.dsp"), "-o", str(out / "mydsp.h")])
    run(["g++", *CXXFLAGS, "-I", str(out), "-I", str(ROOT / "bench"),
         str(FAUST_DIR / "driver.cpp"), "-o", str(out / "driver"), "-lbenchmark", "-lpthread"])
    return out / "driver"


def read_f32(path):
    data = Path(path).read_bytes()
    return struct.unpack(f"{len(data) // 4}f", data)


def disagreement(ours, theirs, lag):
    """max |ours[t + lag] - theirs[t]| as a fraction of the peak of theirs."""
    peak = max(abs(x) for x in theirs)
    return max(abs(x - y) for x, y in zip(ours[lag:], theirs)) / max(peak, 1e-30)


def benchmark(binary, filt, extra, env):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        run([str(binary), f"--benchmark_filter={filt}", f"--benchmark_out={f.name}",
             "--benchmark_out_format=json", *extra], env=env)
        return json.loads(Path(f.name).read_text())["benchmarks"]


def aggregate(rows, name, stat):
    mine = [r for r in rows
            if re.split(r"/(?:iterations|repeats):", r.get("run_name", r["name"]))[0] == name]
    for r in mine:
        if r.get("error_occurred"):
            raise SystemExit(f"side_by_side: {name} failed: {r.get('error_message')}")
    for r in mine:
        if r.get("aggregate_name") == stat:
            return r
    raise SystemExit(f"side_by_side: no '{stat}' aggregate for {name}")


def rate(rows, name):  # best repetition, M samples/s
    return aggregate(rows, name, "max")["items_per_second"] / 1e6


def machine():
    lscpu = run(["lscpu"])
    model = re.search(r"Model name:\s*(.+)", lscpu).group(1).strip()
    cores = os.cpu_count()
    gcc = run(["g++", "--version"]).splitlines()[0]
    faust = run(["faust", "--version"]).splitlines()[0]
    return f"{model}, {cores} cores; {gcc}; {faust}"


def measure(args):
    build_dir = Path(args.build_dir).resolve()
    dgen = build_dgen(build_dir)
    work = build_dir / "faust"
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {(n, m): pool.submit(build_faust_driver, work, n, m)
                for n, _, _ in PROGRAMS for m in FAUST_MODES}
        drivers = {k: j.result() for k, j in jobs.items()}

    env = dict(os.environ, DGEN_CACHE_DIR=str(build_dir / "dgen-cache"))
    dumps = work / "dumps"
    dumps.mkdir(exist_ok=True)
    run([str(dgen), f"--dump={dumps}"], env=env)
    agreement = {}
    for name, _, lag in PROGRAMS:
        ours = read_f32(dumps / f"{name}.f32")
        worst = 0.0
        for mode in FAUST_MODES:
            theirs = dumps / f"{name}-{mode}.faust.f32"
            run([str(drivers[(name, mode)]), f"--dump={theirs}"])
            worst = max(worst, disagreement(ours, read_f32(theirs), lag))
        agreement[name] = worst

    extra = [f"--benchmark_min_time={args.min_time}"] if args.min_time else []
    results = {"programs": {}, "machine": machine(),
               "date": datetime.date.today().isoformat(), "agreement": agreement}
    for name, _, _ in PROGRAMS:  # dgen, then Faust, program by program
        row = {"dgen": rate(benchmark(dgen, f"^forward/{name}/", extra, env), f"forward/{name}")}
        for mode in FAUST_MODES:
            row[mode] = rate(benchmark(drivers[(name, mode)], ".", extra, env), "faust_forward")
        results["programs"][name] = row
    results["voice_lanes16"] = rate(
        benchmark(dgen, "^forward/voice_lanes16/", extra, env), "forward/voice_lanes16")
    compile_rows = benchmark(dgen, "^compile_", [], env)
    results["compile_ms"] = {
        case: aggregate(compile_rows, f"compile_{case}", "median")["real_time"]
        for case in ("cold", "disk_hit", "memory_hit")}
    return results


def table(r):
    lines = ["| program | dgen | Faust -scal | Faust -vec | dgen / best Faust | dgen vs Faust output |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, label, _ in PROGRAMS:
        p = r["programs"][name]
        best = max(p["scal"], p["vec"])
        lines.append(f"| {label} | {p['dgen']:.1f} | {p['scal']:.1f} | {p['vec']:.1f} | "
                     f"{p['dgen'] / best:.2f}x | {r['agreement'][name]:.1e} |")
    voice = r["programs"]["voice"]
    rt = 1e6 / SAMPLE_RATE
    c = r["compile_ms"]
    lines += [
        "",
        "Throughput in M samples/s (frames x lanes per second), one core, best of 5 "
        "repetitions, blocks of 512 frames at 48 kHz. The last column is the largest "
        "difference between the two outputs over 8192 samples, as a fraction of the peak.",
        "",
        "| (iv) subtractive voice | dgen | Faust (best mode) |",
        "|---|---:|---:|",
        f"| one voice, x real time at 48 kHz | {voice['dgen'] * rt:.0f}x | "
        f"{max(voice['scal'], voice['vec']) * rt:.0f}x |",
        f"| lanes = 16: voices in real time at 48 kHz | {r['voice_lanes16'] * rt:.0f} | - |",
        "",
        "| compile latency of (iv), median of 5 | ms |",
        "|---|---:|",
        f"| cold (empty cache, C compiler runs) | {c['cold']:.1f} |",
        f"| cached, on disk (dlopen) | {c['disk_hit']:.2f} |",
        f"| cached, in memory | {c['memory_hit']:.2f} |",
    ]
    return "\n".join(lines)


def report(r):
    return (f"Measured {r['date']} on {r['machine']}.\n"
            f"Command: `python3 bench/side_by_side.py --update-doc`\n\n{table(r)}\n")


def update_doc(text):
    doc = DOC.read_text()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{DOC} has no {BEGIN} ... {END} section")
    head, rest = doc.split(BEGIN, 1)
    DOC.write_text(f"{head}{BEGIN}\n{text}{END}{rest.split(END, 1)[1]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=str(ROOT / "build-bench"))
    ap.add_argument("--update-doc", action="store_true", help=f"rewrite the table in {DOC}")
    ap.add_argument("--min-time", help="seconds per repetition (Google Benchmark's default 0.5)")
    ap.add_argument("--json", help="also write the raw results here")
    args = ap.parse_args()
    try:
        r = measure(args)
    except subprocess.CalledProcessError as e:
        sys.exit(f"side_by_side: {' '.join(map(str, e.cmd))} failed:\n{e.stdout}{e.stderr}")
    text = report(r)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))
    bad = {n: a for n, a in r["agreement"].items() if a > AGREEMENT}
    if bad:
        sys.exit(f"side_by_side: dgen and Faust disagree beyond {AGREEMENT}: {bad}")
    if args.update_doc:
        update_doc(text)


if __name__ == "__main__":
    main()

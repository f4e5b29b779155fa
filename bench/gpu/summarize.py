"""The short table bench/gpu/run.sh prints last: every figure of one run, dgen beside the
peers, as ratios of times measured in that run, against the targets of issue 9 item 4.

  python3 bench/gpu/summarize.py RESULTS.jsonl
"""
import json
import sys

records = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]


def find(side, workload, backend=None, **match):
    for r in records:
        if r.get("side") == side and r.get("workload") == workload and "ms" in r and \
                (backend is None or r.get("backend") == backend) and \
                all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def error(side, workload, backend=None):
    for r in records:
        if r.get("side") == side and r.get("workload") == workload and "error" in r and \
                (backend is None or r.get("backend") == backend):
            return r["error"]
    return None


def ms(r):
    return f"{r['ms']:.4g}" + ("*" if r.get("extrapolated") else "") if r else "-"


def ratio(peer, dgen):
    return f"{peer['ms'] / dgen['ms']:.2f}x" if peer and dgen else "-"


rows = []
copy = find("torch", "copy")
bandwidth = copy["GBps"] if copy else None  # GB/s, bytes read + written
for mode in ("fwd", "fwdbwd"):
    for B in (64, 1024, 16384):
        d = find("dgen", "tv_biquad", "cuda", mode=mode, B=B)
        t = find("torch", "tv_biquad", mode=mode, B=B)
        j = find("jax", "tv_biquad", mode=mode, B=B)
        note = ""
        if mode == "fwd" and bandwidth:
            # dgen's workload at the least traffic: the shared input read once, every
            # lane's output written once.
            bound = (4 * B * 65536 + 4 * 65536) / bandwidth / 1e6
            note = f"bandwidth bound {bound:.3g} ms" + (f", dgen {d['ms'] / bound:.2f}x of it" if d else "")
        if mode == "fwdbwd" and B == 1024:
            note = "target: dgen <= 0.5x JAX"
        rows.append((f"tv biquad {mode} {B}x65536", ms(d), ms(t), ms(j), ratio(t, d), ratio(j, d), note))
d, t, j = find("dgen", "mrstft", "cuda"), find("torch", "mrstft"), find("jax", "mrstft")
rows.append(("mrstft fwd+bwd 64x65536", ms(d), ms(t), ms(j), ratio(t, d), ratio(j, d), "target: dgen <= 0.5x torch"))
d, t, j = find("dgen", "voice_step", "cuda"), find("torch", "voice_step"), find("jax", "voice_step")
cpu = find("dgen", "voice_step", "c")
# dgen's C backend runs on one core: its CPU time is the figure (wall time on a quiet machine).
cpu_note = (f"dgen C, one core: {cpu['cpu_ms']:.4g} ms CPU" + ("*" if cpu.get("extrapolated") else "")
            + (f" = {cpu['cpu_ms'] / d['ms']:.0f}x dgen cuda" if d else "")) if cpu else ""
rows.append(("voice train step 256x48000", ms(d), ms(t), ms(j), ratio(t, d), ratio(j, d),
             "targets: >= 10x the faster peer, >= 100x dgen's CPU; " + cpu_note))

print("== gpu bench summary (ms, median; * = extrapolated, see the JSON lines) ==")
if copy:
    print(f"device copy {copy['GBps']:.0f} GB/s (read + write)")
header = ("workload", "dgen cuda", "torch", "jax", "torch/dgen", "jax/dgen", "note")
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(6)]
for r in [header] + rows:
    print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)) + "  " + r[6])
cuda_error = error("dgen", "tv_biquad", "cuda") or error("dgen", "voice_step", "cuda")
if cuda_error:
    print(f"dgen cuda: pending ({cuda_error})")
checks = [r for r in records if r.get("workload") == "check"]
bad = [r["what"] for r in checks if not r.get("ok")]
print(f"peer checks against dgen's C backend: {len(checks) - len(bad)} of {len(checks)} within tolerance"
      + (f"; off: {', '.join(bad)}" if bad else ""))
for r in records:
    if "error" in r and not (r.get("side") == "dgen" and r.get("backend") == "cuda"):
        print(f"error: {r.get('side')} {r.get('workload')}: {r['error']}")

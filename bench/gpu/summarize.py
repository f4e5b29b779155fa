"""The short table bench/gpu/run.sh prints last: every figure of one run, dgen beside the
peers, as ratios of times measured in that run, then issue 9 item 4's targets as limits
computed from the same run's figures, met or missed.

  python3 bench/gpu/summarize.py RESULTS.jsonl [STEPS.txt]
"""
import json
import sys

records = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
N = 65536


def find(side, workload, **match):
    """The figure of `side` (dgen: its CUDA backend unless `backend` says otherwise)."""
    if side == "dgen":
        match.setdefault("backend", "cuda")
    for r in records:
        if r.get("side") == side and r.get("workload") == workload and "ms" in r and \
                all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def fmt(value, extrapolated=False):
    return (f"{value:.0f}" if value >= 1000 else f"{value:.4g}") + ("*" if extrapolated else "")


def ms(r):
    return fmt(r["ms"], bool(r.get("extrapolated"))) if r else "-"


def ratio(peer, dgen):
    return f"{peer['ms'] / dgen['ms']:.2f}x" if peer and dgen else "-"


def dgen_fwd(B):
    """dgen's forward at B lanes with its output left in GPU memory, as the peers' are
    (their timings end at torch.cuda.synchronize / block_until_ready, with no copy to the
    host); the forward copied back to the host where no such figure was measured."""
    return find("dgen", "tv_biquad", mode="fwd_on_device", B=B) or \
        find("dgen", "tv_biquad", mode="fwd", B=B)


copy = find("torch", "copy")
# The least traffic of dgen's biquad at B lanes: the shared input read once, every lane's
# output written once, at the measured copy rate (bytes read + written per second).
bound = {B: (4 * B * N + 4 * N) / copy["GBps"] / 1e6 for B in (64, 1024, 16384)} if copy else {}
rows = []
for mode in ("fwd", "fwdbwd"):
    for B in (64, 1024, 16384):
        t, j = (find(side, "tv_biquad", mode=mode, B=B) for side in ("torch", "jax"))
        d = dgen_fwd(B) if mode == "fwd" else find("dgen", "tv_biquad", mode=mode, B=B)
        note = f"bandwidth bound {bound[B]:.3g} ms" if mode == "fwd" and B in bound else ""
        rows.append((f"tv biquad {mode} {B}x{N}", ms(d), ms(t), ms(j), ratio(t, d), ratio(j, d), note))
mr = {side: find(side, "mrstft") for side in ("dgen", "torch", "jax")}
rows.append((f"mrstft fwd+bwd 64x{N}", ms(mr["dgen"]), ms(mr["torch"]), ms(mr["jax"]),
             ratio(mr["torch"], mr["dgen"]), ratio(mr["jax"], mr["dgen"]), ""))
voice = {side: find(side, "voice_step") for side in ("dgen", "torch", "jax")}
cpu = find("dgen", "voice_step", backend="c")
# dgen's C backend runs on one core: its CPU time is the figure (wall time on a quiet machine).
rows.append(("voice train step 256x48000", ms(voice["dgen"]), ms(voice["torch"]), ms(voice["jax"]),
             ratio(voice["torch"], voice["dgen"]), ratio(voice["jax"], voice["dgen"]),
             f"dgen C, one core: {fmt(cpu['cpu_ms'], bool(cpu.get('extrapolated')))} ms CPU" if cpu else ""))


def limit(fraction, r, key="ms"):
    return fraction * r[key] if r else None


peer_steps = [r for r in (voice["torch"], voice["jax"]) if r]
faster_peer = min(peer_steps, key=lambda r: r["ms"]) if peer_steps else None


targets = [
    ("tv biquad fwd+bwd 1024 lanes <= 0.5x JAX", find("dgen", "tv_biquad", mode="fwdbwd", B=1024),
     limit(0.5, find("jax", "tv_biquad", mode="fwdbwd", B=1024))),
    ("tv biquad fwd 16384 lanes <= 2x bandwidth bound", dgen_fwd(16384),
     2 * bound[16384] if bound else None),
    ("mrstft fwd+bwd <= 0.5x torch.stft", mr["dgen"], limit(0.5, mr["torch"])),
    ("voice step >= 10x the faster peer", voice["dgen"], limit(0.1, faster_peer)),
    ("voice step >= 100x dgen C on one core", voice["dgen"], limit(0.01, cpu, "cpu_ms")),
]

print("== gpu bench summary (ms, median; * = extrapolated, see the JSON lines) ==")
if copy:
    print(f"device copy {copy['GBps']:.0f} GB/s (read + write)")
header = ("workload", "dgen cuda", "torch", "jax", "torch/dgen", "jax/dgen", "note")
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(6)]
for r in [header] + rows:
    print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)) + "  " + r[6])
for name, dgen, most in targets:
    verdict = "no peer figure" if most is None else "dgen pending" if not dgen else \
        ("met" if dgen["ms"] <= most else "missed") + f" (dgen {fmt(dgen['ms'])} ms)"
    print(f"target: {name}" + (f": <= {fmt(most)} ms" if most is not None else "") + f": {verdict}")

def is_dgen_cuda(r):
    return r.get("side") == "dgen" and r.get("backend") == "cuda"


for e in sorted({r["error"] for r in records if is_dgen_cuda(r) and "error" in r}):
    print(f"dgen cuda: pending ({e})")
checks = [r for r in records if r.get("workload") == "check"]
bad = [r["what"] for r in checks if not r.get("ok")]
print(f"peer checks against dgen's C backend: {len(checks) - len(bad)} of {len(checks)} within tolerance"
      + (f"; off: {', '.join(bad)}" if bad else ""))
for r in records:
    if "error" in r and not is_dgen_cuda(r):
        print(f"error: {r.get('side')} {r.get('workload')}: {r['error']}")
if len(sys.argv) > 2:
    print("steps (s): " + open(sys.argv[2]).read().strip().replace("\n", ", "))

"""Checks that the peers compute what dgen computes, on references dgen's C backend wrote
(`dgen_gpu_bench --dump DIR`, which prints the voice's mrstft loss as a JSON line):

  python3 bench/gpu/check_peers.py DIR DUMP.jsonl [--torch-frames 4800]

One JSON line per comparison, rel_err = ‖peer − dgen‖ / ‖dgen‖: the voice of
torch_defs.py (over its first --torch-frames frames: its per-sample loop is slow) and of
jax_defs.py; the mrstft loss of dgen's voice against its target as each peer computes it;
the time-varying biquad of jax_defs.py. A peer whose package is missing is skipped with a
line saying so. Exits 1 when a comparison is off by more than its tolerance.
"""
import json
import sys

import numpy as np

import common

ref_dir, dump_path = sys.argv[1], sys.argv[2]
rec = common.Recorder("check")
torch_frames = int(sys.argv[sys.argv.index("--torch-frames") + 1]) if "--torch-frames" in sys.argv else 4800
dump = [json.loads(line) for line in open(dump_path) if '"workload": "dump"' in line][-1]
voice = np.fromfile(f"{ref_dir}/voice.f32", np.float32)
target = np.fromfile(f"{ref_dir}/target.f32", np.float32)
bx = np.fromfile(f"{ref_dir}/biquad_x.f32", np.float32)
by = np.fromfile(f"{ref_dir}/biquad_y.f32", np.float32)
frames = voice.size
gate, semis = common.sequencer(frames)
params1 = {k: np.array([v], np.float32) for k, v in common.VOICE_DEFAULTS.items()}
failed = []


def compare(what, peer, reference, tolerance):
    peer, reference = np.asarray(peer, np.float64).ravel(), np.asarray(reference, np.float64).ravel()
    err = float(np.linalg.norm(peer - reference) / np.linalg.norm(reference))
    ok = bool(err <= tolerance)  # NaN fails
    rec.emit(workload="check", what=what, rel_err=err, tolerance=tolerance, ok=ok)
    if not ok:
        failed.append(what)


def check_torch():
    import torch
    import torch_defs as T

    dev = "cuda" if torch.cuda.is_available() else "cpu"
    p = {k: torch.from_numpy(v).to(dev) for k, v in params1.items()}
    with torch.no_grad():
        y = T.voice(p, torch.from_numpy(gate).to(dev), torch.from_numpy(semis).to(dev), torch_frames)
        compare(f"voice, torch, first {torch_frames} frames", y.cpu().numpy(), voice[:torch_frames], 1e-3)
        loss = T.mrstft(torch.from_numpy(voice).to(dev)[None], torch.from_numpy(target).to(dev)[None],
                        frames, common.MRSTFT_SIZES)
        compare("mrstft loss of dgen's voice, torch", float(loss), dump["voice_loss"], 1e-3)


def check_jax():
    import jax.numpy as jnp
    import jax_defs as J

    y = J.voice({k: jnp.asarray(v) for k, v in params1.items()}, jnp.asarray(gate), jnp.asarray(semis))
    compare("voice, jax", np.asarray(y), voice, 1e-3)
    loss = J.mrstft(jnp.asarray(voice)[None], jnp.asarray(target)[None], frames, common.MRSTFT_SIZES)
    compare("mrstft loss of dgen's voice, jax", float(loss), dump["voice_loss"], 1e-3)
    yb = J.tv_biquad(jnp.asarray(bx)[None], jnp.array([1000.0], jnp.float32), jnp.array([2.0], jnp.float32),
                     jnp.asarray(common.biquad_sweep(bx.size)))
    compare("time-varying biquad, jax associative scan", np.asarray(yb), by, 1e-3)


rec.guard("check torch", check_torch)
rec.guard("check jax", check_jax)
sys.exit(1 if failed else 0)

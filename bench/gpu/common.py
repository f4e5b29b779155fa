"""What the GPU side-by-side benchmarks share (docs/PERFORMANCE.md, "GPU (H200) side by side").

The workloads' definitions, which the peers (torch_defs.py, jax_defs.py) and dgen's side
(dgen_gpu_bench.cpp) implement alike, and the way every figure is taken: warm-up runs
first (compilation, plans and allocations stay out of the figure), then the median of
several runs, each timed on the host clock after the device has finished (METHOD:
synchronise before reading a host clock), so all three sides are timed the same way.
"""
import json
import math
import os
import sys
import time

import numpy as np

SR = 48000.0
# The envelopes' decay and release reach 1% of their distance in their time: ln 100 per
# time constant (lib/std/env.lisp's exp-rate).
LN100 = math.log(100)
N_BIQUAD = 65536
BIQUAD_LANES = (64, 1024, 16384)
N_MRSTFT = 65536
MRSTFT_LANES = 64
MRSTFT_SIZES = (2048, 1024, 512, 256, 128, 64)
VOICE_LANES = 256
VOICE_FRAMES = 48000  # 1 s at 48 kHz

# examples/subtractive.lisp's trainable params at their defaults, in declaration order.
VOICE_DEFAULTS = {
    "pitch": 55.0, "saw_level": 0.8, "pulse_level": 0.45, "pulse_width": 0.3,
    "cutoff": 180.0, "resonance": 0.55, "env_amount": 2200.0, "drive": 1.6,
    "hp_cutoff": 35.0, "gain": 0.3,
    "amp_attack": 0.003, "amp_decay": 0.25, "amp_sustain": 0.6, "amp_release": 0.08,
    "filter_attack": 0.001, "filter_decay": 0.18, "filter_sustain": 0.1, "filter_release": 0.1,
}
TARGET_CUTOFF = 400.0  # the target is the voice rendered with this cutoff


def voice_params(lanes):
    """Every param one value per lane: the defaults, with the cutoff spread over the lanes
    (180 Hz in lane 0 up to 580 Hz), as dgen_gpu_bench sets them."""
    p = {k: np.full(lanes, v, np.float32) for k, v in VOICE_DEFAULTS.items()}
    p["cutoff"] = lane_spread(lanes, 180.0, 400.0)
    return p


def lane_spread(lanes, base, width):
    return (base + width * np.arange(lanes) / lanes).astype(np.float32)


def sequencer(frames, tempo=4.0):
    """The voice's gate (0/1) and semitone offset per frame: its built-in sequencer with
    demo = 1 and no input gate. Phasors as in docs/LANGUAGE.md: the phase before the
    increment, accumulated in float64, compared as float32."""
    t = np.arange(frames, dtype=np.float64)
    clock = np.float32(np.mod(t * (tempo / SR), 1.0))
    slow = np.float32(np.mod(t * (tempo / 8 / SR), 1.0))
    gate = (clock < np.float32(0.55)).astype(np.float32)
    step = np.floor(np.float32(8) * slow).astype(np.int64)
    semis = np.array([0, 0, 12, 0, 3, 0, 7, -2], np.float32)[step]
    return gate, semis


def biquad_lane_controls(lanes):
    """The time-varying biquad's per-lane base cutoff (Hz) and q: the cutoff of lane l at
    frame t is cutoff_l · (1 + 0.5 sin(2π·3·t/SR)), a lowpass."""
    return lane_spread(lanes, 500.0, 4000.0), lane_spread(lanes, 0.707, 2.0)


def biquad_sweep(frames):
    t = np.arange(frames, dtype=np.float64)
    return (1.0 + 0.5 * np.sin(2 * math.pi * np.mod(t * (3.0 / SR), 1.0))).astype(np.float32)


def biquad_target(frames):
    t = np.arange(frames, dtype=np.float64)
    return (0.3 * np.sin(2 * math.pi * 220.0 * t / SR)).astype(np.float32)


def spectral_windows(n, hop, frames):
    """As dgen's spectral_windows: hop frames t with a full window (t >= n - 1)."""
    first = (n - 1 + hop - 1) // hop * hop
    return 0 if first >= frames else (frames - 1 - first) // hop + 1


def median_ms(fn, sync, warmup=2, reps=5):
    """Median wall time of fn() in ms after `warmup` untimed calls; sync() waits for the
    device. Returns (median, all times)."""
    for _ in range(warmup):
        sync(fn())
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        sync(fn())
        times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2], times


class Recorder:
    """JSON lines on stdout, one a figure (run.sh collects them)."""

    def __init__(self, side):
        self.side = side
        self.quick = "--quick" in sys.argv

    def emit(self, **record):
        print(json.dumps({"side": self.side, **record}), flush=True)

    def guard(self, workload, fn):
        """Runs one sub-benchmark; a failure (out of memory, a missing package) becomes a
        record saying so, and the others still run."""
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - any failure is reported, not fatal
            self.emit(workload=workload, error=f"{type(e).__name__}: {str(e).splitlines()[0][:300]}")


def env_flag(name, default):
    return type(default)(os.environ.get(name, default))

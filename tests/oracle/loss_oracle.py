#!/usr/bin/env python3
"""A float64 oracle for dgen's losses and their gradients (docs/TRAINING.md "Losses").

Reads a JSON document from the file named by argv[1]:

  {"signals": {NAME: [float, ...], ...},
   "cases": [{"patch": PATCH, "params": {NAME: value}, "target": NAME,
              "loss": LOSS, "sample_rate": SR}, ...]}

  PATCH: {"kind": "sine", "phase": NAME, "time": NAME}
           y[t] = sin(2 pi (phase[t] + f * time[t]))            params: f
         {"kind": "biquad", "input": NAME}
           y = the RBJ cookbook low-pass of the input            params: cutoff, q
  LOSS:  {"kind": "mse" | "l1"}
         {"kind": "spectral", "n": N, "hop": H}
         {"kind": "mrstft", "sizes": [N, ...]}
         (spectral and mrstft also take lin_weight, log_weight, p, eps_rel)
         {"kind": "logmel", "n": N, "hop": H, "bands": B, "eps_rel": E}
           the mean over full windows and non-empty mel bands of |log M_a - log M_b|
         {"kind": "loudness", "n": N, "hop": H, "eps_rel": E}
           the mean over full windows of |10 log10 (E_a + floor) - 10 log10 (E_b + floor)|

and prints {"results": [{"loss": L, "grads": {NAME: dL/dparam}}, ...]} on stdout.

The loss and dL/dy come from torch autograd in float64; dy/dparam of each patch comes
from a complex-step derivative (exact to rounding) of the patch written in numpy, so the
oracle shares no code and no float32 arithmetic with dgen.
"""
import json
import math
import sys

import numpy as np
import torch

STEP = 1e-30  # the complex step: far below any rounding, so Im(y) / STEP is exact
TINY_POWER = 1e-18  # in the floor, as in dgen: a silent window has a finite slope


def sine(params, signals, _patch_sr, spec):
    phase, time = signals[spec["phase"]], signals[spec["time"]]
    return lambda p: np.sin(2 * math.pi * (phase + p["f"] * time))


def biquad(params, signals, sample_rate, spec):
    x = signals[spec["input"]]

    def run(p):
        w0 = 2 * math.pi * p["cutoff"] / sample_rate
        c, s = np.cos(w0), np.sin(w0)
        alpha = s / (2 * p["q"])
        a0 = 1 + alpha
        b0, b1, b2 = (1 - c) / 2 / a0, (1 - c) / a0, (1 - c) / 2 / a0
        a1, a2 = -2 * c / a0, (1 - alpha) / a0
        y = np.zeros(len(x), dtype=np.result_type(a1, a2, b0, np.float64))
        x1 = x2 = y1 = y2 = 0.0
        for t, xt in enumerate(x.tolist()):
            yt = b0 * xt + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            y[t] = yt
            x2, x1, y2, y1 = x1, xt, y1, yt
        return y

    return run


PATCHES = {"sine": sine, "biquad": biquad}


def all_windows(x, n, hop):
    """The Hann-windowed last n samples of x at every hop frame t >= 0 (zeros before the
    run), one per row, and which of them are full (t >= n - 1)."""
    ends = torch.arange(0, len(x), hop)
    padded = torch.cat([torch.zeros(n - 1, dtype=x.dtype), x])
    rows = padded[ends.unsqueeze(1) + torch.arange(n).unsqueeze(0)]
    hann = 0.5 * (1 - torch.cos(2 * math.pi * torch.arange(n, dtype=torch.float64) / n))
    return rows * hann, ends >= n - 1


def windows(x, n, hop):
    """The full windows: those the loss compares."""
    rows, full = all_windows(x, n, hop)
    return rows[full]


def power(w):
    spectrum = torch.fft.rfft(w, dim=1)
    return spectrum.real**2 + spectrum.imag**2


def spectral(a, b, n, hop, spec):
    """The loss summed over windows, and the number of windows."""
    (pa, full), (pb, _) = all_windows(a, n, hop), all_windows(b, n, hop)
    wa, wb = pa[full], pb[full]
    if wa.shape[0] == 0:
        return a.sum() * 0, 0
    lin, logw, p = spec.get("lin_weight", 1.0), spec.get("log_weight", 1.0), spec.get("p", 1.0)
    # The magnitudes sqrt(|X|^2 + eps^2), eps = eps_rel times the level: the RMS magnitude
    # of the bins (by Parseval, the norm of the windowed samples) of the pairs of windows so
    # far, counting the partial windows of the first hop frames.
    energy = (pa**2).sum(1) + (pb**2).sum(1)
    level = (torch.cumsum(energy, 0) / torch.arange(1, len(energy) + 1))[full]
    floor = (spec["eps_rel"] ** 2 * level + TINY_POWER).unsqueeze(1)
    ma, mb = torch.sqrt(power(wa) + floor), torch.sqrt(power(wb) + floor)
    total = lin * (ma - mb).abs().pow(p).sum()
    total = total + logw * (torch.log(ma) - torch.log(mb)).abs().pow(p).sum()
    return total, wa.shape[0]


def level_floor(pa, pb, full, eps_rel):
    """eps_rel^2 times the mean energy of the pairs of windows so far, at the full windows
    (by Parseval, the energy of a window is the mean of its power spectrum over N bins)."""
    energy = (pa**2).sum(1) + (pb**2).sum(1)
    level = (torch.cumsum(energy, 0) / torch.arange(1, len(energy) + 1))[full]
    return eps_rel**2 * level + TINY_POWER


def mel_matrix(n, sample_rate, bands):
    """Triangular bands, equally spaced on the HTK mel scale from 0 to sample_rate / 2,
    evaluated at the bin frequencies; bands without a bin are dropped."""
    top = 2595 * np.log10(1 + (sample_rate / 2) / 700)
    edges = 700 * (10 ** (np.linspace(0, top, bands + 2) / 2595) - 1)
    f = np.arange(n // 2 + 1) * sample_rate / n
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising, falling = (f - lo) / (mid - lo), (hi - f) / (hi - mid)
    m = np.clip(np.minimum(rising, falling), 0, None)
    return torch.tensor(m[m.sum(1) > 0], dtype=torch.float64)


def logmel(a, b, spec, sample_rate):
    n, hop = spec["n"], spec["hop"]
    (pa, full), (pb, _) = all_windows(a, n, hop), all_windows(b, n, hop)
    if not full.any():
        return a.sum() * 0
    floor = level_floor(pa, pb, full, spec["eps_rel"]).unsqueeze(1)
    m = mel_matrix(n, sample_rate, spec["bands"])
    ma = (power(pa[full]) + floor) @ m.T
    mb = (power(pb[full]) + floor) @ m.T
    return (torch.log(ma) - torch.log(mb)).abs().sum() / (ma.shape[0] * ma.shape[1])


def loudness(a, b, spec):
    n, hop = spec["n"], spec["hop"]
    (pa, full), (pb, _) = all_windows(a, n, hop), all_windows(b, n, hop)
    if not full.any():
        return a.sum() * 0
    floor = level_floor(pa, pb, full, spec["eps_rel"])
    ea, eb = (pa[full] ** 2).sum(1) + floor, (pb[full] ** 2).sum(1) + floor
    return (10 * torch.log10(ea) - 10 * torch.log10(eb)).abs().mean()


def loss_of(a, b, spec, sample_rate):
    kind = spec["kind"]
    if kind == "mse":
        return ((a - b) ** 2).sum()
    if kind == "l1":
        return (a - b).abs().sum()
    if kind == "spectral":
        return spectral(a, b, spec["n"], spec["hop"], spec)[0]
    if kind == "mrstft":
        total = a.sum() * 0
        for n in spec["sizes"]:
            value, windows = spectral(a, b, n, max(n // 4, 1), spec)
            if windows:
                total = total + value / ((n // 2 + 1) * windows)
        return total
    if kind == "logmel":
        return logmel(a, b, spec, sample_rate)
    if kind == "loudness":
        return loudness(a, b, spec)
    raise ValueError("unknown loss " + kind)


def evaluate(case, signals):
    spec = case["patch"]
    sr = float(case["sample_rate"])
    run = PATCHES[spec["kind"]](case["params"], signals, sr, spec)
    params = {k: float(v) for k, v in case["params"].items()}
    y = torch.tensor(run(params), dtype=torch.float64, requires_grad=True)
    target = torch.tensor(signals[case["target"]], dtype=torch.float64)
    loss = loss_of(y, target, case["loss"], sr)
    loss.backward()
    dl_dy = y.grad.numpy()
    grads = {}
    for name in params:
        shifted = dict(params)
        shifted[name] = params[name] + 1j * STEP
        dy = np.imag(run(shifted)) / STEP
        grads[name] = float(np.dot(dl_dy, dy))
    return {"loss": float(loss), "grads": grads}


def main():
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    signals = {k: np.asarray(v, dtype=np.float64) for k, v in doc["signals"].items()}
    results = [evaluate(case, signals) for case in doc["cases"]]
    json.dump({"results": results}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

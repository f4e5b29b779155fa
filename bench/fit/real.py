#!/usr/bin/env python3
"""Fits to real recordings (docs/TRAINING.md, "Fitting recordings"): for each recording of
data/, train a suitable example patch with default settings (plus the options named below),
then measure the seed's and the fit's distance to the recording under a log-mel spectral
distance that the fit did not optimise, computed here with numpy.

    bench/fit/real.py BUILD/dgen [--only NAME] [--defaults]

--defaults leaves out the options named below: every fit with nothing but --target.

Prints one line per fit and a JSON summary on the last line.
"""
import argparse
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

# (recording, patch, extra train arguments)
FITS = [
    ("909kick.wav", "examples/train_kick.lisp", ["--loss", "spectral:4096"]),
    ("808kicklong.wav", "examples/train_kick.lisp", ["--loss", "spectral:4096"]),
    ("piano-note.wav", "examples/piano.lisp", ["--loss", "spectral:2048", "--search-budget", "4096"]),
]


def read_wav(path):
    """Mono float samples and the rate of a PCM 16/24/32-bit or float32 WAV."""
    data = open(path, "rb").read()
    pos, fmt, samples = 12, None, None
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if tag == b"fmt ":
            code, channels, rate = struct.unpack("<HHI", body[:8])
            bits = struct.unpack("<H", body[14:16])[0]
            if code == 0xFFFE:
                code = struct.unpack("<H", body[24:26])[0]
            fmt = (code, channels, rate, bits)
        elif tag == b"data":
            samples = body
        pos += 8 + size + (size & 1)
    code, channels, rate, bits = fmt
    if code == 3:
        x = np.frombuffer(samples, "<f4").astype(np.float64)
    elif bits == 24:
        b = np.frombuffer(samples[:len(samples) // 3 * 3], np.uint8).reshape(-1, 3)
        x = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) |
             (b[:, 2].astype(np.int8).astype(np.int32) << 16)) / 2.0 ** 23
    else:
        x = np.frombuffer(samples, f"<i{bits // 8}") / 2.0 ** (bits - 1)
    return x.reshape(-1, channels).mean(axis=1), rate


def log_mel(x, rate, n=2048, hop=256, bands=64):
    x = np.pad(x, (0, max(0, n - len(x))))
    frames = np.lib.stride_tricks.sliding_window_view(x, n)[::hop] * np.hanning(n)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    mel = lambda f: 2595 * np.log10(1 + f / 700)
    edges = 700 * (10 ** (np.linspace(mel(30), mel(rate / 2), bands + 2) / 2595) - 1)
    freqs = np.fft.rfftfreq(n, 1 / rate)
    bank = np.zeros((bands, len(freqs)))
    for b in range(bands):
        lo, mid, hi = edges[b:b + 3]
        bank[b] = np.clip(np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)), 0, None)
    return np.log10(power @ bank.T + 1e-8)


def distance(a, b, rate, floor_bels=6):
    """Mean absolute difference of log10 mel energies (in bels) over frames and bands, each
    clipped at 60 dB below the recording's loudest band, so that bands neither sound has
    anything in (a real recording's noise floor against a synth's silence) do not dominate."""
    m = min(len(a), len(b))
    la, lb = log_mel(a[:m], rate), log_mel(b[:m], rate)
    floor = lb.max() - floor_bels
    return float(np.mean(np.abs(np.maximum(la, floor) - np.maximum(lb, floor))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dgen")
    ap.add_argument("--only")
    ap.add_argument("--defaults", action="store_true")
    args = ap.parse_args()
    summary = {}
    for recording, patch, extra in FITS:
        if args.only and args.only != recording:
            continue
        job = tempfile.mkdtemp(prefix="dgen-real-")
        cmd = [args.dgen, "train", patch, "--target", os.path.join("data", recording),
               "--job-dir", job] + ([] if args.defaults else extra)
        start, cpu = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.time() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
        if done.returncode != 0:
            print(f"{recording}: failed: {done.stderr.strip()}", flush=True)
            continue
        result = json.load(open(os.path.join(job, "result.json")))
        target, rate = read_wav(os.path.join("data", recording))
        seed, _ = read_wav(os.path.join(job, "seed.wav"))
        final, _ = read_wav(os.path.join(job, "final.wav"))
        d_seed, d_final = distance(seed, target, rate), distance(final, target, rate)
        summary[recording] = {
            "patch": patch, "command": " ".join(cmd[1:]).replace(job, "JOB"),
            "loss_improvement_percent": round(result["improvement_percent"], 1),
            "logmel_seed": round(d_seed, 4), "logmel_final": round(d_final, 4),
            "logmel_improvement_percent": round(100 * (1 - d_final / d_seed), 1),
            "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1)}
        s = summary[recording]
        print(f"{recording:16s} {os.path.basename(patch):18s} loss {s['loss_improvement_percent']}% "
              f"better; log-mel {d_seed:.3f} -> {d_final:.3f} ({s['logmel_improvement_percent']}% "
              f"better) in {wall:.1f} s ({cpu:.1f} s CPU)", flush=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())

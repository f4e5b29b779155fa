#!/usr/bin/env python3
"""Writes data/room-ir.wav: a synthetic stereo room impulse response for the convolution
reverb example (examples/convolution-reverb.lisp). Deterministic: the same bytes on every
run. A direct impulse, six early reflections per channel and a late tail of noise decaying
by 60 dB over 1.2 s, brighter at the start (a one-pole lowpass that closes with time)."""
import math
import random
import struct
import wave

RATE, SECONDS, RT60 = 44100, 1.2, 1.2


def channel(seed):
    rng = random.Random(seed)
    n = int(RATE * SECONDS)
    out = [0.0] * n
    out[0] = 0.5
    for _ in range(6):
        out[rng.randrange(200, 2500)] += rng.uniform(-0.3, 0.3)
    low = 0.0
    for t in range(300, n):
        decay = 10 ** (-3 * t / (RATE * RT60))
        a = 0.9 - 0.8 * t / n  # the lowpass closes over the tail
        low += a * (rng.uniform(-1, 1) - low)
        out[t] += 0.25 * decay * low
    return out


def main():
    left, right = channel(1), channel(2)
    with wave.open("data/room-ir.wav", "wb") as f:
        f.setnchannels(2)
        f.setsampwidth(2)
        f.setframerate(RATE)
        frames = b"".join(
            struct.pack("<hh", *(max(-32768, min(32767, round(v * 32767))) for v in pair))
            for pair in zip(left, right))
        f.writeframes(frames)


if __name__ == "__main__":
    main()

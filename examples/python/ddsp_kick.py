"""A DDSP-style model trained end to end through a dgen patch (docs/PYTHON.md, "Example").

A small network reads the frame features of a recording (log-mel bands and loudness,
computed with numpy) and predicts, frame by frame, the controls of a sine-plus-noise
synth patch: its pitch, its tone level and its noise level. The controls are upsampled to
audio rate and fed to the patch as input channels; the patch's filter cutoff and drive are
trained as its own params. The rendered audio is compared with the recording by a
multi-resolution STFT loss, and the gradient flows back through dgen's reverse-time
program into the controls, and from them into the network.

    /usr/bin/python3 examples/python/ddsp_kick.py [--steps 300] [--out ddsp-out]

Writes OUT/loss.csv (step, loss), OUT/loss.svg (the curve), OUT/rendered.wav and
OUT/target.wav (16-bit, the recording's rate), OUT/controls.csv (the learnt curves).
"""
import argparse
import pathlib
import time
import wave

import numpy as np
import torch
from torch import nn

import dgen.torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOP = 256  # frames per feature frame
PATCH = """
; Controls arrive as audio-rate inputs: pitch (Hz), tone and noise levels.
(def pitch (in 1 @name pitch))
(def tone (in 2 @name tone))
(def hiss (in 3 @name noise))
(param drive @default 1 @min 0.1 @max 8)
(param cutoff @default 3000 @min 100 @max 16000 @unit Hz)
(def body (tanh (* drive (sin (* twopi (phasor pitch))))))
(def air (biquad (noise 7) @cutoff cutoff @q 0.707))
(out (+ (* tone body) (* hiss air)) 1 @name audio)
"""


def read_wav(path):
    """Mono float samples of a 16-bit PCM WAV, and its rate."""
    with wave.open(str(path)) as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        if width != 2:
            raise SystemExit(f"{path}: expected 16-bit PCM")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    return data.reshape(-1, channels).mean(axis=1), rate


def write_wav(path, samples, rate):
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def mel_filterbank(bands, n_fft, rate):
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    hz = lambda m: 700 * (10 ** (m / 2595) - 1)  # noqa: E731
    edges = hz(np.linspace(mel(30), mel(rate / 2), bands + 2))
    bins = np.fft.rfftfreq(n_fft, 1 / rate)
    fb = np.zeros((bands, len(bins)))
    for b in range(bands):
        lo, mid, hi = edges[b:b + 3]
        fb[b] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    return fb


def features(x, rate, bands=24, n_fft=1024):
    """[frames, bands + 2]: log-mel bands, loudness (log RMS) and the time in seconds."""
    frames = int(np.ceil(len(x) / HOP))
    padded = np.pad(x, (n_fft // 2, n_fft // 2 + frames * HOP))
    window = np.hanning(n_fft)
    spectra = np.stack([np.abs(np.fft.rfft(window * padded[i * HOP:i * HOP + n_fft])) for i in range(frames)])
    logmel = np.log(mel_filterbank(bands, n_fft, rate) @ spectra.T + 1e-5).T
    loudness = np.log(np.sqrt(np.mean(spectra ** 2, axis=1)) + 1e-5)[:, None]
    seconds = (np.arange(frames) * HOP / rate)[:, None]
    f = np.concatenate([logmel, loudness, seconds], axis=1)
    return (f - f.mean(axis=0)) / (f.std(axis=0) + 1e-5)


def stft_loss(y, t, sizes=(2048, 512, 128)):
    """Multi-resolution STFT loss: L1 of log magnitudes plus spectral convergence."""
    loss = 0
    for n in sizes:
        window = torch.hann_window(n)
        Y = torch.stft(y, n, n // 4, window=window, return_complex=True).abs()
        T = torch.stft(t, n, n // 4, window=window, return_complex=True).abs()
        loss = loss + torch.mean(torch.abs(torch.log(Y + 1e-5) - torch.log(T + 1e-5)))
        loss = loss + torch.linalg.norm(Y - T) / torch.linalg.norm(T)
    return loss / len(sizes)


class Controls(nn.Module):
    """Frame features -> (pitch Hz, tone, noise) per frame, by a GRU and a linear head."""

    def __init__(self, inputs):
        super().__init__()
        self.gru = nn.GRU(inputs, 64, batch_first=True)
        self.head = nn.Linear(64, 3)

    def forward(self, f):
        h = self.head(self.gru(f[None])[0])[0]
        pitch = 30 + 270 * torch.sigmoid(h[:, 0])
        return torch.stack([pitch, nn.functional.softplus(h[:, 1]), 0.1 * nn.functional.softplus(h[:, 2])])


def upsample(controls, frames):
    """[3, feature frames] -> [1, 3, frames], linear between frame centres."""
    return nn.functional.interpolate(controls[None], size=frames, mode="linear", align_corners=True)


def svg_curve(losses):
    w, h = 600, 300
    lo, hi = min(losses), max(losses)
    pts = " ".join(f"{40 + (w - 60) * i / max(len(losses) - 1, 1):.1f},"
                   f"{h - 30 - (h - 60) * (v - lo) / (hi - lo + 1e-12):.1f}" for i, v in enumerate(losses))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">'
            f'<rect width="{w}" height="{h}" fill="white"/>'
            f'<polyline fill="none" stroke="black" points="{pts}"/>'
            f'<text x="40" y="20">loss {hi:.3f} -> {losses[-1]:.3f} over {len(losses)} steps</text></svg>\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recording", default=str(ROOT / "data" / "909kick.wav"))
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--out", default="ddsp-out")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    x, rate = read_wav(args.recording)
    target = torch.tensor(x)
    f = torch.tensor(features(x, rate), dtype=torch.float32)
    torch.manual_seed(0)
    net = Controls(f.shape[1])
    synth = dgen.torch.PatchModule(PATCH, sample_rate=rate, trainable=["drive", "cutoff"])
    optimizer = torch.optim.Adam([{"params": net.parameters()},
                                  {"params": [synth.parameter("drive")], "lr": 0.02},
                                  {"params": [synth.parameter("cutoff")], "lr": 50.0}], lr=args.lr)
    losses = []
    start = time.perf_counter()
    for step in range(args.steps):
        optimizer.zero_grad()
        audio = synth(len(x), inputs=upsample(net(f), len(x)))[0, 0]
        loss = stft_loss(audio, target)
        loss.backward()
        optimizer.step()
        synth.clamp_()
        losses.append(float(loss))
        if step % 25 == 0 or step == args.steps - 1:
            print(f"step {step:4d}  loss {losses[-1]:.4f}  ({time.perf_counter() - start:.1f} s)", flush=True)
    seconds = time.perf_counter() - start

    with torch.no_grad():
        controls = net(f)
        audio = synth(len(x), inputs=upsample(controls, len(x)))[0, 0].numpy()
    write_wav(out / "rendered.wav", audio, rate)
    write_wav(out / "target.wav", x, rate)
    np.savetxt(out / "loss.csv", np.column_stack([np.arange(len(losses)), losses]), delimiter=",",
               header="step,loss", comments="", fmt=["%d", "%.6f"])
    np.savetxt(out / "controls.csv", np.column_stack([np.arange(controls.shape[1]) * HOP / rate,
                                                      controls.numpy().T]),
               delimiter=",", header="seconds,pitch_hz,tone,noise", comments="", fmt="%.6f")
    (out / "loss.svg").write_text(svg_curve(losses))
    print(f"{args.steps} steps in {seconds:.1f} s: loss {losses[0]:.4f} -> {losses[-1]:.4f} "
          f"(drive {float(synth.parameter('drive')):.2f}, cutoff {float(synth.parameter('cutoff')):.0f} Hz); "
          f"wrote {out}/")


if __name__ == "__main__":
    main()

"""The workloads written in PyTorch, as a PyTorch user would: whatever is parallel over
time as whole-tensor ops, the recurrences as a per-sample Python loop that autograd
records. Same math as dgen's (common.py says what is shared)."""
import math

import torch
import torch.nn.functional as F

from common import LN100, SR, spectral_windows


def cookbook_lowpass(cutoff, q):
    """dgen's biquad lowpass coefficients (src/ops/api_state.cpp), controls clamped alike:
    b0, b1, b2, a1, a2 normalised by a0."""
    fc = torch.clamp(cutoff, 1e-4 * SR, 0.49 * SR)
    q = torch.clamp(q, 0.01, 1000.0)
    w0 = 2 * math.pi * fc / SR
    c, s = torch.cos(w0), torch.sin(w0)
    alpha = s / (2 * q)
    inv = 1 / (1 + alpha)
    b0 = (1 - c) / 2 * inv
    return b0, (1 - c) * inv, b0, -2 * c * inv, (1 - alpha) * inv


def mrstft(a, b, frames, sizes, eps=1e-3):
    """dgen's mrstft_loss (src/ops/api_losses.cpp) with MrstftOptions::frames = frames,
    summed over lanes: for each size n (hop n/4), Hann-windowed spectra of the last n
    samples at every hop frame (zeros before the start), magnitudes floored by eps × the
    RMS level of the windows so far, L1 of the magnitudes and of their logs over the full
    windows, a mean over bins and windows. a: (B, N); b: (1, N) or (B, N)."""
    total = 0.0
    for n in sizes:
        hop = n // 4
        windows = spectral_windows(n, hop, frames)
        if windows == 0:
            continue
        w = torch.hann_window(n, periodic=True, device=a.device, dtype=a.dtype)

        def spectrum(x):
            X = torch.stft(F.pad(x, (n - 1, 0)), n, hop, window=w, center=False, return_complex=True)
            P = X.real.square() + X.imag.square()  # (B, n/2+1, T)
            # Σ (w x)² by Parseval: every bin but DC and Nyquist stands for two.
            E = (2 * P.sum(1) - P[:, 0] - P[:, -1]) / n
            return P, E

        Pa, Ea = spectrum(a)
        Pb, Eb = spectrum(b)
        T = Pa.shape[-1]
        count = torch.arange(1, T + 1, device=a.device, dtype=a.dtype)
        floor = (eps * eps * torch.cumsum(Ea + Eb, -1) / count + 1e-18).unsqueeze(1)
        ma, mb = torch.sqrt(Pa + floor), torch.sqrt(Pb + floor)
        j0 = (n - 1 + hop - 1) // hop
        d = (ma - mb)[..., j0:].abs().sum() + (torch.log(ma) - torch.log(mb))[..., j0:].abs().sum()
        total = total + d / ((n // 2 + 1) * windows)
    return total


def phasor(freq):
    """Phase before the increment, accumulated in float64 (docs/LANGUAGE.md). freq (B, N)."""
    inc = freq.double() / SR
    acc = torch.cumsum(inc, 1) - inc
    phase = (acc - torch.floor(acc)).float()
    return torch.where(phase >= 1, torch.zeros_like(phase), phase)


def polyblep(phase, dt):
    a = phase / dt
    b = (phase - 1) / dt
    return (phase < dt) * (a + a - a * a - 1) + (phase > 1 - dt) * (b * b + b + b + 1)


def oscillators(p, semis):
    freq = p["pitch"][:, None] * torch.pow(2.0, semis / 12)[None, :]
    dt = freq / SR
    detuned = freq * 1.003
    saw_phase, pulse_phase = phasor(freq), phasor(detuned)
    saw = 2 * saw_phase - 1 - polyblep(saw_phase, dt)
    width = p["pulse_width"][:, None]
    ddt = detuned / SR
    shifted = pulse_phase - width
    pulse = (2 * (pulse_phase < width) - 1) + polyblep(pulse_phase, ddt) - polyblep(
        shifted - torch.floor(shifted), ddt)
    return p["saw_level"][:, None] * saw + p["pulse_level"][:, None] * pulse  # (B, N)


def envelopes(p, gate, n):
    """Both ADSRs of the voice, stacked (amp, filter) so one loop step serves both: (n, 2, B)."""
    def both(role):
        return torch.stack([p["amp_" + role], p["filter_" + role]])
    attack_step = 1 / torch.clamp_min(both("attack") * SR, 1)
    decay_coef = 1 - torch.exp(-LN100 / torch.clamp_min(both("decay") * SR, 1))
    release_coef = 1 - torch.exp(-LN100 / torch.clamp_min(both("release") * SR, 1))
    sustain = both("sustain")
    level = torch.zeros_like(sustain)
    attacking = torch.zeros_like(sustain)
    was_on = torch.zeros((), device=gate.device)
    on_all = (gate > 0).float()
    levels = []
    for i in range(n):
        on = on_all[i]
        rising = on * (was_on <= 0.5)
        in_attack = on * torch.maximum(rising, attacking)
        nxt = torch.where(in_attack > 0, torch.clamp_max(level + attack_step, 1),
                          torch.where(on > 0, level + decay_coef * (sustain - level),
                                      level - release_coef * level))
        attacking = in_attack * (nxt < 1)
        was_on = on
        level = nxt
        levels.append(nxt)
    return torch.stack(levels)


def ladder_and_highpass(p, osc_t, filter_env, n):
    """The 4-pole ladder (tanh-saturated, feedback solved without a unit delay) and the
    state-variable highpass, per sample. osc_t, filter_env: (n, B). Returns (n, B)."""
    cut = p["cutoff"] + p["env_amount"] * filter_env
    g = torch.tan(math.pi * torch.clamp(cut, 10, 0.45 * SR) / SR)
    G = g / (1 + g)
    G2 = G * G
    G3 = G2 * G
    one_plus_g = 1 + g
    k = 4 * torch.clamp(p["resonance"], 0, 1.05)
    den = 1 + k * G * G * G * G
    driven = torch.tanh(p["drive"] * osc_t)
    makeup = 1 + 0.5 * k
    gs = torch.tan(math.pi * torch.clamp(p["hp_cutoff"], 1e-4 * SR, 0.49 * SR) / SR)
    ks = 1 / 0.707
    a1 = 1 / (1 + gs * (gs + ks))
    a2 = gs * a1
    a3 = gs * a2
    z1 = z2 = z3 = z4 = s1 = s2 = torch.zeros_like(k)
    out = []
    for i in range(n):
        Gi = G[i]
        S = (G3[i] * z1 + G2[i] * z2 + Gi * z3 + z4) / one_plus_g[i]
        u = torch.tanh((driven[i] - k * S) / den[i])
        v = (u - z1) * Gi
        y = v + z1
        z1 = y + v
        v = (y - z2) * Gi
        y = v + z2
        z2 = y + v
        v = (y - z3) * Gi
        y = v + z3
        z3 = y + v
        v = (y - z4) * Gi
        y = v + z4
        z4 = y + v
        x = y * makeup
        v3 = x - s2
        v1 = a1 * s1 + a2 * v3
        v2 = s2 + a2 * s1 + a3 * v3
        s1 = 2 * v1 - s1
        s2 = 2 * v2 - s2
        out.append(x - ks * v1 - v2)
    return torch.stack(out)


def voice(p, gate, semis, n):
    """examples/subtractive.lisp (demo = 1, no input gate) for n frames: (B, n)."""
    osc = oscillators(p, semis[:n])
    env = envelopes(p, gate, n)  # (n, 2, B)
    hp = ladder_and_highpass(p, osc.t(), env[:, 1], n)
    return (p["gain"] * env[:, 0] * hp).t()

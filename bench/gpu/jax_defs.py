"""The workloads written in JAX: the time-varying biquad as an associative scan over 2x2
companion matrices (the parallel-in-time way), the voice's recurrences as jax.lax.scan.
Same math as torch_defs.py and dgen (common.py says what is shared).

float64 is on, for the phasors' phase alone (accumulated in float64, as dgen and
torch_defs do: a float32 running sum of 55/48000 drifts by 0.003 cycles in 0.3 s, which
moves the saw's edges); every other array is made float32 explicitly, so the rest
computes in float32 like dgen."""
import math

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402

from common import LN100, SR, spectral_windows


def cookbook_lowpass(cutoff, q):
    fc = jnp.clip(cutoff, 1e-4 * SR, 0.49 * SR)
    q = jnp.clip(q, 0.01, 1000.0)
    w0 = 2 * math.pi * fc / SR
    c, s = jnp.cos(w0), jnp.sin(w0)
    alpha = s / (2 * q)
    inv = 1 / (1 + alpha)
    b0 = (1 - c) / 2 * inv
    return b0, (1 - c) * inv, b0, -2 * c * inv, (1 - alpha) * inv


def _affine2(c1, c2):
    A1, v1 = c1
    A2, v2 = c2
    return (jnp.einsum("...ij,...jk->...ik", A2, A1), jnp.einsum("...ij,...j->...i", A2, v1) + v2)


def tv_biquad(x, cutoff, q, sweep):
    """Lowpass biquad, direct form I, coefficients recomputed every sample from
    cutoff[:, None] * sweep[None, :]: the feed-forward sum in parallel, the all-pole part
    as an associative scan of (y_t, y_t-1) = A_t (y_t-1, y_t-2) + (v_t, 0). x: (B, N)."""
    b0, b1, b2, a1, a2 = cookbook_lowpass(cutoff[:, None] * sweep[None, :], q[:, None])
    x1 = jnp.pad(x, ((0, 0), (1, 0)))[:, :-1]
    x2 = jnp.pad(x, ((0, 0), (2, 0)))[:, :-2]
    v = b0 * x + b1 * x1 + b2 * x2
    A = jnp.stack([jnp.stack([-a1, -a2], -1), jnp.stack([jnp.ones_like(a1), jnp.zeros_like(a1)], -1)], -2)
    w = jnp.stack([v, jnp.zeros_like(v)], -1)
    return jax.lax.associative_scan(_affine2, (A, w), axis=1)[1][..., 0]


def mrstft(a, b, frames, sizes, eps=1e-3):
    """dgen's mrstft_loss, as torch_defs.mrstft (see there), summed over lanes."""
    total = 0.0
    for n in sizes:
        hop = n // 4
        windows = spectral_windows(n, hop, frames)
        if windows == 0:
            continue
        i = jnp.arange(n)
        w = (0.5 * (1 - jnp.cos(2 * math.pi * i / n))).astype(a.dtype)
        T = (a.shape[-1] - 1) // hop + 1
        index = jnp.arange(T)[:, None] * hop + i[None, :]

        def spectrum(x):
            framed = jnp.pad(x, ((0, 0), (n - 1, 0)))[:, index] * w  # (B, T, n)
            X = jnp.fft.rfft(framed, axis=-1)
            return jnp.real(X) ** 2 + jnp.imag(X) ** 2, jnp.sum(framed * framed, -1)

        Pa, Ea = spectrum(a)
        Pb, Eb = spectrum(b)
        count = jnp.arange(1, T + 1, dtype=a.dtype)
        floor = (eps * eps * jnp.cumsum(Ea + Eb, -1) / count + 1e-18)[..., None]
        ma, mb = jnp.sqrt(Pa + floor), jnp.sqrt(Pb + floor)
        j0 = (n - 1 + hop - 1) // hop
        d = jnp.abs(ma - mb)[:, j0:].sum() + jnp.abs(jnp.log(ma) - jnp.log(mb))[:, j0:].sum()
        total = total + d / ((n // 2 + 1) * windows)
    return total


def phasor(freq):
    """Phase before the increment, accumulated in float64 (docs/LANGUAGE.md). freq (B, N)."""
    inc = freq.astype(jnp.float64) / SR
    acc = jnp.cumsum(inc, 1) - inc
    phase = (acc - jnp.floor(acc)).astype(jnp.float32)
    return jnp.where(phase >= 1, 0.0, phase)


def polyblep(phase, dt):
    a = phase / dt
    b = (phase - 1) / dt
    return (phase < dt) * (a + a - a * a - 1) + (phase > 1 - dt) * (b * b + b + b + 1)


def oscillators(p, semis):
    freq = p["pitch"][:, None] * jnp.power(2.0, semis / 12)[None, :]
    dt = freq / SR
    detuned = freq * 1.003
    saw_phase, pulse_phase = phasor(freq), phasor(detuned)
    saw = 2 * saw_phase - 1 - polyblep(saw_phase, dt)
    width = p["pulse_width"][:, None]
    ddt = detuned / SR
    shifted = pulse_phase - width
    pulse = (2.0 * (pulse_phase < width) - 1) + polyblep(pulse_phase, ddt) - polyblep(
        shifted - jnp.floor(shifted), ddt)
    return p["saw_level"][:, None] * saw + p["pulse_level"][:, None] * pulse


def envelopes(p, gate):
    def both(role):
        return jnp.stack([p["amp_" + role], p["filter_" + role]])
    attack_step = 1 / jnp.maximum(both("attack") * SR, 1)
    decay_coef = 1 - jnp.exp(-LN100 / jnp.maximum(both("decay") * SR, 1))
    release_coef = 1 - jnp.exp(-LN100 / jnp.maximum(both("release") * SR, 1))
    sustain = both("sustain")

    def step(carry, on):
        level, attacking, was_on = carry
        rising = on * (was_on <= 0.5)
        in_attack = on * jnp.maximum(rising, attacking)
        nxt = jnp.where(in_attack > 0, jnp.minimum(level + attack_step, 1),
                        jnp.where(on > 0, level + decay_coef * (sustain - level),
                                  level - release_coef * level))
        return (nxt, in_attack * (nxt < 1), on), nxt

    zero = jnp.zeros_like(sustain)
    _, levels = jax.lax.scan(step, (zero, zero, jnp.zeros((), jnp.float32)),
                             (gate > 0).astype(jnp.float32))
    return levels  # (n, 2, B)


def ladder_and_highpass(p, osc_t, filter_env):
    cut = p["cutoff"] + p["env_amount"] * filter_env
    g = jnp.tan(math.pi * jnp.clip(cut, 10, 0.45 * SR) / SR)
    G = g / (1 + g)
    k = 4 * jnp.clip(p["resonance"], 0, 1.05)
    den = 1 + k * G * G * G * G
    driven = jnp.tanh(p["drive"] * osc_t)
    makeup = 1 + 0.5 * k
    gs = jnp.tan(math.pi * jnp.clip(p["hp_cutoff"], 1e-4 * SR, 0.49 * SR) / SR)
    ks = 1 / 0.707
    a1 = 1 / (1 + gs * (gs + ks))
    a2 = gs * a1
    a3 = gs * a2

    def stage(x, Gi, s):
        v = (x - s) * Gi
        y = v + s
        return y, y + v

    def step(carry, xs):
        z1, z2, z3, z4, s1, s2 = carry
        Gi, opg, deni, di = xs
        S = (Gi * Gi * Gi * z1 + Gi * Gi * z2 + Gi * z3 + z4) / opg
        u = jnp.tanh((di - k * S) / deni)
        y, z1 = stage(u, Gi, z1)
        y, z2 = stage(y, Gi, z2)
        y, z3 = stage(y, Gi, z3)
        y, z4 = stage(y, Gi, z4)
        x = y * makeup
        v3 = x - s2
        v1 = a1 * s1 + a2 * v3
        v2 = s2 + a2 * s1 + a3 * v3
        return (z1, z2, z3, z4, 2 * v1 - s1, 2 * v2 - s2), x - ks * v1 - v2

    zero = jnp.zeros_like(k)
    _, hp = jax.lax.scan(step, (zero,) * 6, (G, 1 + g, den, driven))
    return hp  # (n, B)


def voice(p, gate, semis):
    """examples/subtractive.lisp (demo = 1, no input gate): (B, N)."""
    osc = oscillators(p, semis)
    env = envelopes(p, gate)
    hp = ladder_and_highpass(p, osc.T, env[:, 1])
    return (p["gain"] * env[:, 0] * hp).T

"""JAX's side of the GPU benchmarks (docs/PERFORMANCE.md, "GPU (H200) side by side").

  python3 bench/gpu/peers_jax.py [--quick]

Figures, one JSON line each: the time-varying biquad (coefficients recomputed every
sample) as an associative scan, forward and gradient with respect to the input, the
cutoff and q; dgen's mrstft loss, forward+backward; a training step of
examples/subtractive.lisp with its recurrences in jax.lax.scan (whole second, no
extrapolation). Lanes beyond BIQUAD_CHUNK are run in chunks of that many, one after
another (the scan's 2x2 matrices alone are 17 GB at 16384 x 65536, before the scan's and
the gradient's intermediates); the record says how many.
"""
import os

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import common  # noqa: E402
import jax_defs as J  # noqa: E402

rec = common.Recorder("jax")
quick = rec.quick
BIQUAD_CHUNK = common.env_flag("BIQUAD_CHUNK", 2048)


def sync(out):
    jax.block_until_ready(out)


def timed(fn, warmup=2, reps=5):
    return common.median_ms(fn, sync, warmup, reps)[0]


def tv_biquad(lanes, n):
    chunk = min(lanes, BIQUAD_CHUNK)
    key = jax.random.PRNGKey(lanes)
    x = jax.random.uniform(key, (chunk, n), minval=-0.5, maxval=0.5, dtype=jnp.float32)
    cut, q = (jnp.asarray(v) for v in common.biquad_lane_controls(lanes))
    sweep = jnp.asarray(common.biquad_sweep(n))
    target = jnp.asarray(common.biquad_target(n))
    fwd = jax.jit(J.tv_biquad)
    grad = jax.jit(jax.grad(lambda x, c, q, s: jnp.sum((J.tv_biquad(x, c, q, s) - target) ** 2),
                            argnums=(0, 1, 2)))
    chunks = [(cut[i:i + chunk], q[i:i + chunk]) for i in range(0, lanes, chunk)]

    def over_chunks(f):
        return lambda: [f(x, c, qq, sweep) for c, qq in chunks]

    fields = dict(workload="tv_biquad", impl="jax.lax.associative_scan (2x2)", B=lanes, N=n,
                  chunks=len(chunks))
    rec.emit(mode="fwd", ms=timed(over_chunks(fwd), 1, 3 if lanes > 1024 else 5), **fields)
    rec.emit(mode="fwdbwd", ms=timed(over_chunks(grad), 1, 3 if lanes > 1024 else 5), **fields)


def mrstft_step(lanes, n):
    key = jax.random.PRNGKey(1)
    a = jax.random.normal(key, (lanes, n), jnp.float32)
    b = jax.random.normal(jax.random.PRNGKey(2), (1, n), jnp.float32)
    step = jax.jit(jax.value_and_grad(lambda a, b: J.mrstft(a, b, n, common.MRSTFT_SIZES)))
    rec.emit(workload="mrstft", impl="jnp.fft.rfft", mode="fwdbwd", B=lanes, N=n,
             ms=timed(lambda: step(a, b), 2, 5))


def voice_step(lanes, frames):
    gate_np, semis_np = common.sequencer(frames)
    gate, semis = jnp.asarray(gate_np), jnp.asarray(semis_np)
    params = {k: jnp.asarray(v) for k, v in common.voice_params(lanes).items()}
    target_params = {k: v[:1] for k, v in params.items()}
    target_params["cutoff"] = jnp.full((1,), common.TARGET_CUTOFF, jnp.float32)
    target = jax.jit(J.voice)(target_params, gate, semis)
    step = jax.jit(jax.value_and_grad(
        lambda p, t: J.mrstft(J.voice(p, gate, semis), t, frames, common.MRSTFT_SIZES)))
    loss, grads = step(params, target)
    assert np.isfinite(float(loss)) and all(bool(jnp.isfinite(g).all()) for g in grads.values())
    rec.emit(workload="voice_step", impl="jax.lax.scan", mode="fwdbwd", B=lanes, N=frames,
             ms=timed(lambda: step(params, target), 1, 3), extrapolated=False)


if quick:
    rec.guard("tv_biquad", lambda: tv_biquad(4, 4096))
    rec.guard("mrstft", lambda: mrstft_step(4, 8192))
    rec.guard("voice_step", lambda: voice_step(4, 4096))
else:
    rec.emit(workload="env", jax=jax.__version__, devices=str(jax.devices()))
    for lanes in common.BIQUAD_LANES:
        rec.guard("tv_biquad", lambda: tv_biquad(lanes, common.N_BIQUAD))
    rec.guard("mrstft", lambda: mrstft_step(common.MRSTFT_LANES, common.N_MRSTFT))
    rec.guard("voice_step", lambda: voice_step(common.VOICE_LANES, common.VOICE_FRAMES))

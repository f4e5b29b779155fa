"""The GPU benchmarks' PyTorch peer (bench/gpu/torch_defs.py) computes what dgen computes:
the subtractive voice lane by lane with per-lane params, as the benchmark's training step
sets them, and the biquad coefficients its lfilter row is given. The GPU machine checks
the same, and JAX's definitions, in every run (bench/gpu/check_peers.py); these tests keep
the definitions from drifting from examples/subtractive.lisp where there is no GPU."""
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import dgen  # noqa: E402
from conftest import EXAMPLES, ROOT  # noqa: E402

sys.path.insert(0, str(ROOT / "bench" / "gpu"))
import common  # noqa: E402
import torch_defs  # noqa: E402

FRAMES = 2400  # 50 ms: both envelopes attack and decay, the ladder rings


def patch_param_name(key):
    """common.VOICE_DEFAULTS's name of a param -> the patch's (amp_attack -> amp.attack)."""
    group, _, rest = key.partition("_")
    return f"{group}.{rest}" if group in ("amp", "filter") else key.replace("_", "-")


def relative_error(a, b):
    return float(np.linalg.norm(np.asarray(a, np.float64) - b) / np.linalg.norm(b))


def test_voice_matches_dgen_lane_by_lane():
    lanes = 3
    params = common.voice_params(lanes)
    patch = dgen.load(str(EXAMPLES / "subtractive.lisp"))
    reference = patch.render(FRAMES, sample_rate=common.SR, lanes=lanes,
                             params={patch_param_name(k): list(v) for k, v in params.items()})
    reference = np.asarray(reference, np.float64)[:, 0]
    gate, semis = common.sequencer(FRAMES)
    with torch.no_grad():
        peer = torch_defs.voice({k: torch.from_numpy(v) for k, v in params.items()},
                                torch.from_numpy(gate), torch.from_numpy(semis), FRAMES).numpy()
    # The lanes differ (their cutoffs do), so each lane's comparison is its own.
    assert relative_error(reference[0], reference[-1]) > 0.05
    for lane in range(lanes):
        assert relative_error(peer[lane], reference[lane]) < 1e-4, lane


def test_biquad_coefficients_match_dgen_with_the_cutoff_swept():
    frames = 2048
    x = np.random.default_rng(3).uniform(-0.5, 0.5, frames).astype(np.float32)
    patch = dgen.load("(out (biquad (in 1) (* 1000 (+ 1 (* 0.5 (sin (* twopi (phasor 3)))))) 2 1 0) 1)")
    reference = np.asarray(patch.render(frames, sample_rate=common.SR, inputs=x[None]), np.float64)[0, 0]
    cutoff = torch.from_numpy(1000 * common.biquad_sweep(frames)).double()
    b0, b1, b2, a1, a2 = (c.numpy() for c in torch_defs.cookbook_lowpass(cutoff, torch.tensor(2.0).double()))
    y = np.zeros(frames)
    x1 = x2 = y1 = y2 = 0.0
    for t in range(frames):  # direct form I with this sample's coefficients, in float64
        y[t] = b0[t] * x[t] + b1[t] * x1 + b2[t] * x2 - a1[t] * y1 - a2[t] * y2
        x1, x2, y1, y2 = x[t], x1, y[t], y1
    assert np.abs(reference).max() > 0.05
    assert relative_error(y, reference) < 1e-4

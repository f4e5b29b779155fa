"""The oracle checks itself: closed forms, and its gradients against central differences
in float64 (ctest LossOracleSelfCheck; tests/oracle/test_loss_oracle.cpp compares dgen
with it)."""
import math

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("torch")
import loss_oracle  # noqa: E402  (after the skips: it imports torch)

SR = 8000.0
FRAMES = 600


def signals():
    rng = np.random.default_rng(3)
    t = np.arange(FRAMES)
    return {
        "phase": np.zeros(FRAMES),
        "time": t / SR,
        "noise": rng.uniform(-1, 1, FRAMES),
        "target": 0.7 * np.sin(2 * math.pi * 440 * t / SR) + 0.05 * rng.uniform(-1, 1, FRAMES),
    }


def case(patch, params, loss):
    return {"patch": patch, "params": params, "target": "target", "loss": loss, "sample_rate": SR}


SINE = {"kind": "sine", "phase": "phase", "time": "time"}
LOWPASS = {"kind": "biquad", "input": "noise"}
LOSSES = [
    {"kind": "mse"},
    {"kind": "l1"},
    {"kind": "spectral", "n": 64, "hop": 1, "eps_rel": 1e-3},
    {"kind": "spectral", "n": 128, "hop": 48, "eps_rel": 1e-2, "p": 2},
    {"kind": "mrstft", "sizes": [256, 64], "eps_rel": 1e-3},
    {"kind": "logmel", "n": 128, "hop": 3, "bands": 20, "eps_rel": 1e-3},
    {"kind": "loudness", "n": 64, "hop": 16, "eps_rel": 1e-3},
]


def test_mse_and_l1_are_the_sums_of_their_formulas():
    s = signals()
    y = np.sin(2 * math.pi * 400 * np.arange(FRAMES) / SR)
    for kind, want in [("mse", np.sum((y - s["target"]) ** 2)), ("l1", np.sum(np.abs(y - s["target"])))]:
        got = loss_oracle.evaluate(case(SINE, {"f": 400.0}, {"kind": kind}), s)["loss"]
        assert got == pytest.approx(want, rel=1e-12)


def test_a_spectral_loss_of_a_signal_with_itself_is_zero():
    import torch

    x = torch.tensor(signals()["target"])
    assert float(loss_oracle.spectral(x, x, 64, 5, LOSSES[2])[0]) == 0.0


# A signal scaled by g: every window's energy and every mel band's is g^2 times the
# original's, so (with a negligible floor) the means are |20 log10 g| dB and |2 ln g|.
def test_logmel_and_loudness_of_a_scaled_signal():
    import torch

    x = torch.tensor(signals()["target"])
    for g in (0.5, 3.0):
        loud = loss_oracle.loudness(g * x, x, {"n": 64, "hop": 16, "eps_rel": 1e-9})
        mel = loss_oracle.logmel(g * x, x, {"n": 128, "hop": 32, "bands": 20, "eps_rel": 1e-9}, SR)
        assert float(loud) == pytest.approx(abs(20 * math.log10(g)), rel=1e-9)
        assert float(mel) == pytest.approx(abs(2 * math.log(g)), rel=1e-9)


# A window that ends at the last frame counts; none fits in a run shorter than the size.
def test_windows_are_the_full_ones_on_hop_frames():
    import torch

    x = torch.arange(10, dtype=torch.float64)
    assert loss_oracle.windows(x, 4, 3).shape[0] == 3  # ends at frames 3, 6, 9
    assert loss_oracle.windows(x, 4, 2).shape[0] == 3  # ends at 4, 6, 8
    assert loss_oracle.windows(x, 16, 1).shape[0] == 0


@pytest.mark.parametrize("loss", LOSSES, ids=lambda l: l["kind"] + str(l.get("n", "")))
@pytest.mark.parametrize("patch,params", [(SINE, {"f": 433.0}), (LOWPASS, {"cutoff": 900.0, "q": 1.3})])
def test_gradients_match_central_differences(patch, params, loss):
    s = signals()
    got = loss_oracle.evaluate(case(patch, params, loss), s)["grads"]
    for name, value in params.items():
        h = 1e-7 * abs(value)  # small: a hop-1 loss has kinks (|ma - mb| = 0) close by
        up = loss_oracle.evaluate(case(patch, {**params, name: value + h}, loss), s)["loss"]
        down = loss_oracle.evaluate(case(patch, {**params, name: value - h}, loss), s)["loss"]
        assert got[name] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-6)

"""The numpy API: loading, describing, rendering (against `dgen render`), compiled
objects, per-lane values and inputs, gradients (against `dgen grad`) and errors."""
import json
import subprocess

import numpy as np
import pytest

import dgen
from conftest import EXAMPLES

SINE = str(EXAMPLES / "sine.lisp")
COMPRESSOR = str(EXAMPLES / "compressor.lisp")


def cli_render(cli, tmp_path, patch, frames, rate, *args):
    out = tmp_path / "out.f32"
    subprocess.run([cli, "render", patch, "-o", str(out), "--format", "f32", "--frames", str(frames),
                    "--sample-rate", str(rate), *args], check=True, capture_output=True)
    return np.fromfile(out, dtype="<f4")


def test_load_describes_params_and_ports():
    patch = dgen.load(SINE)
    assert patch.file.endswith("sine.lisp")
    assert list(patch.params) == ["freq", "gain", "vibrato-rate", "vibrato-depth"]
    freq = patch.params["freq"]
    assert (freq.default, freq.min, freq.max, freq.unit, freq.shape) == (220.0, 20.0, 4000.0, "Hz", ())
    assert patch.inputs == []
    assert patch.outputs == [dgen.Port(1, "audio")]
    assert dgen.load(COMPRESSOR).inputs == [dgen.Port(1, "drums")]


def test_render_equals_cli_render(cli, tmp_path):
    patch = str(EXAMPLES / "subtractive.lisp")
    expect = cli_render(cli, tmp_path, patch, 48000, 48000, "--set", "cutoff=400")
    got = dgen.load(patch).render(48000, params={"cutoff": 400})
    assert got.shape == (1, 1, 48000) and got.dtype == np.float32
    np.testing.assert_array_equal(got[0, 0], expect)


def cli_signal(cli, tmp_path, source, frames):
    """A signal as a float WAV for the CLI and as the same float32 samples for Python."""
    (tmp_path / "signal.lisp").write_text(source)
    wav = tmp_path / "signal.wav"
    subprocess.run([cli, "render", str(tmp_path / "signal.lisp"), "-o", str(wav), "--frames",
                    str(frames), "--sample-rate", "48000"], check=True, capture_output=True)
    return wav, cli_render(cli, tmp_path, str(tmp_path / "signal.lisp"), frames, 48000)


def test_render_with_input_equals_cli_render(cli, tmp_path):
    wav, x = cli_signal(cli, tmp_path, "(out (* 0.9 (sin (* twopi (phasor 300)))) 1)", 4800)
    expect = cli_render(cli, tmp_path, COMPRESSOR, 4800, 48000, "--in", f"1={wav}")
    got = dgen.load(COMPRESSOR).render(4800, inputs=x[None])
    np.testing.assert_array_equal(got[0, 0], expect)


def test_load_source_and_interpreter_agree_with_c():
    patch = dgen.load("(param f @default 440) (out (sin (* twopi (phasor f))) 1)")
    c = patch.render(512, backend="c")
    interp = patch.render(512, backend="interp")
    np.testing.assert_allclose(c, interp, atol=2e-5)
    assert patch.compile(backend="c").backend == "c"


def test_cuda_backend_renders_as_c_or_says_what_is_missing():
    """backend="cuda" runs on an NVIDIA GPU; without one it is a dgen.Error of one line
    saying what is missing (no driver, no device), raised when the patch is compiled."""
    patch = dgen.load(SINE)
    try:
        compiled = patch.compile(48000, 2, "cuda")
    except dgen.Error as e:
        message = str(e)
        assert "\n" not in message and "CUDA" in message.upper(), message
        return
    assert compiled.backend == "cuda"
    got = compiled.render(4800, params={"freq": [220.0, 330.0]})
    want = patch.render(4800, lanes=2, params={"freq": [220.0, 330.0]}, backend="c")
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_fast_math_is_compiled_apart_and_reaches_cuda():
    """fast_math is part of a compiled program's key; the C backend ignores it (the same
    samples), and on a GPU the fast program stays near C while differing from the precise
    one (it fails if the option never reaches NVRTC)."""
    patch = dgen.load(SINE)
    values = {"freq": [220.0, 3330.0]}
    fast_c = patch.compile(48000, 2, "c", fast_math=True)
    assert fast_c is not patch.compile(48000, 2, "c") and fast_c.fast_math
    want = patch.render(4800, lanes=2, params=values, backend="c")
    np.testing.assert_array_equal(fast_c.render(4800, params=values), want)
    grad = patch.grad(loss="mse", target=want[1, 0], backend="c", fast_math=True)
    assert grad.loss == patch.grad(loss="mse", target=want[1, 0], backend="c").loss
    try:
        fast = patch.compile(48000, 2, "cuda", fast_math=True)
    except dgen.Error:
        return  # no GPU here: test_cuda_backend_renders_as_c_or_says_what_is_missing
    got = fast.render(4800, params=values)
    np.testing.assert_allclose(got, want, atol=1e-3)
    assert not np.array_equal(got, patch.render(4800, lanes=2, params=values, backend="cuda"))


def test_compile_is_cached_and_reused_with_new_values():
    patch = dgen.load(SINE)
    compiled = patch.compile(sample_rate=48000, lanes=2)
    assert patch.compile(sample_rate=48000, lanes=2) is compiled
    renderer = compiled._renderer
    a = compiled.render(256, params={"freq": [220, 440]})
    b = compiled.render(256, params={"freq": 440})
    assert compiled._renderer is renderer
    np.testing.assert_array_equal(a[1], b[0])
    assert not np.array_equal(a[0], a[1])


def test_lanes_equal_single_renders():
    patch = dgen.load(SINE)
    many = patch.render(300, lanes=3, params={"freq": np.array([100, 200, 300]), "gain": 0.5})
    for lane, f in enumerate([100, 200, 300]):
        np.testing.assert_allclose(many[lane], patch.render(300, params={"freq": f, "gain": 0.5})[0], atol=1e-6)


def test_per_lane_inputs_equal_single_renders():
    patch = dgen.load(COMPRESSOR)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (2, 1, 1000)).astype(np.float32)
    both = patch.render(1000, lanes=2, inputs=x, params={"ratio": [2, 8]})
    for lane, ratio in enumerate([2, 8]):
        np.testing.assert_array_equal(both[lane], patch.render(1000, inputs=x[lane], params={"ratio": ratio})[0])


def test_tensor_param_takes_an_array_of_its_shape():
    patch = dgen.load("(tensor-param w @shape [3] @data [1 2 3]) (out (sum (* w (in 1))) 1)")
    assert patch.params["w"].shape == (3,)
    np.testing.assert_array_equal(patch.params["w"].default, [1, 2, 3])
    x = np.ones((1, 4), dtype=np.float32)
    np.testing.assert_allclose(patch.render(4, inputs=x, params={"w": [1, 0, 2]})[0, 0], 3.0)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        patch.render(4, params={"w": [1, 2]})


def test_grad_equals_cli_grad(cli, tmp_path):
    wav, target = cli_signal(cli, tmp_path, "(out (* 0.25 (sin (* twopi (phasor 230)))) 1)", 2048)
    run = subprocess.run([cli, "grad", SINE, "--target", str(wav), "--loss", "mse"],
                         check=True, capture_output=True, text=True)
    expect = json.loads(run.stdout)
    got = dgen.load(SINE).grad(loss="mse", target=target, sample_rate=48000)
    assert got.loss == pytest.approx(expect["loss"], rel=1e-6)
    assert set(got.params) == set(expect["grads"])
    for name, g in expect["grads"].items():
        assert got.params[name] == pytest.approx(g, rel=1e-5, abs=1e-9), name


def test_grad_gives_input_gradients():
    # loss = Σ (2x - t)^2: d/dx = 4 (2x - t).
    patch = dgen.load("(param g @default 2) (out (* g (in 1)) 1)")
    x = np.linspace(-1, 1, 64, dtype=np.float32)
    t = np.zeros(64, dtype=np.float32)
    got = patch.grad(loss="mse", target=t, inputs=x[None], backend="interp")
    np.testing.assert_allclose(got.inputs[0], 8 * x, rtol=1e-6, atol=1e-6)
    assert got.params["g"] == pytest.approx(float(np.sum(2 * 2 * x.astype(np.float64) ** 2)), rel=1e-6)


def test_patch_error_has_position(tmp_path):
    bad = tmp_path / "bad.lisp"
    bad.write_text("(param f @default 1)\n(out (sin (* f nope)) 1)\n")
    with pytest.raises(dgen.PatchError) as e:
        dgen.load(str(bad))
    assert (e.value.file, e.value.line) == (str(bad), 2)
    assert str(e.value).startswith(f"{bad}:2:")
    assert isinstance(e.value, dgen.Error) and isinstance(e.value, RuntimeError)


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    with pytest.raises(dgen.Error, match="nothing.lisp"):
        dgen.load(str(tmp_path / "nothing.lisp"))


@pytest.mark.parametrize("call, message", [
    (lambda p: p.render(16, params={"nope": 1}), "no param named 'nope'"),
    (lambda p: p.render(16, lanes=2, params={"freq": [1, 2, 3]}), "one value per lane"),
    (lambda p: p.render(16, params={"freq": float("nan")}), "finite"),
    (lambda p: p.render(16, inputs=np.zeros((2, 16))), "inputs must have shape"),
    (lambda p: p.render(-1), "frames"),
    (lambda p: p.render(16, lanes=0), "lanes"),
    (lambda p: p.render(16, sample_rate=0), "sample_rate"),
    (lambda p: p.render(16, backend="gpu"), "backend"),
    (lambda p: p.grad(loss="mse"), "target"),
    (lambda p: p.grad(loss="mse", target=[]), "frames"),
    (lambda p: p.grad(loss="mse", target=np.zeros((2, 4))), "1-D"),
])
def test_bad_arguments_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call(dgen.load(SINE))


def test_bad_loss_is_an_error():
    with pytest.raises(dgen.Error, match="loss"):
        dgen.load(SINE).grad(loss="nope", target=np.zeros(16))

"""dgen.torch.PatchModule: values and gradients (to module params, per-voice params and
inputs) against the numpy API and central differences, and training inside nn.Sequential."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import dgen  # noqa: E402
import dgen.torch  # noqa: E402

FRAMES = 256
SOURCE = """
(param gain @default 0.8 @min 0 @max 2)
(param cutoff @default 1500 @min 20 @max 20000 @unit Hz)
(param freq @default 220 @min 20 @max 2000 @unit Hz)
(tensor-param mix @shape [2] @data [0.5 0.25] @min -1 @max 1)
(def x (+ (in 1) (* 0.3 (sin (* twopi (phasor freq))))))
(out (* gain (biquad x @cutoff cutoff @q 0.9)) 1)
(def m0 (sum (* mix (tensor @shape [2] @data [1 0]))))
(def m1 (sum (* mix (tensor @shape [2] @data [0 1]))))
(out (tanh (* (+ m0 (* m1 (in 2))) x)) 2)
"""


@pytest.fixture(scope="module")
def patch():
    return dgen.load(SOURCE)


def inputs(batch, seed=0):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.uniform(-0.5, 0.5, (batch, 2, FRAMES)), dtype=torch.float32)


def weights(batch, seed=1):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((batch, 2, FRAMES)), dtype=torch.float32)


def test_forward_equals_numpy_render(patch):
    module = dgen.torch.PatchModule(patch)
    x = inputs(3)
    freq = torch.tensor([110.0, 220.0, 330.0])
    out = module(FRAMES, inputs=x, params={"freq": freq})
    assert out.shape == (3, 2, FRAMES) and out.dtype == torch.float32
    expect = patch.render(FRAMES, lanes=3, inputs=x.numpy(), params={"freq": freq.numpy()})
    np.testing.assert_array_equal(out.detach().numpy(), expect)


def test_fast_math_module_on_c_is_the_plain_module(patch):
    """fast_math reaches the module's programs (forward and backward); the C backend
    ignores it, so values and gradients are those of the plain module bit for bit."""
    x, w = inputs(2), weights(2)
    results = []
    for fast in (False, True):
        module = dgen.torch.PatchModule(patch, trainable=["gain", "cutoff"], backend="c",
                                        fast_math=fast)
        assert module.fast_math == fast
        out = module(FRAMES, inputs=x)
        (out * w).sum().backward()
        results.append((out.detach().numpy(), module.parameter("cutoff").grad.numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def loss_of(module, w, **kwargs):
    return float((module(FRAMES, **kwargs).double() * w.double()).sum())


def central_difference(f, h):
    """Richardson-extrapolated central difference from steps h and 2h: error O(h^4)."""
    d1 = (f(h) - f(-h)) / (2 * h)
    d2 = (f(2 * h) - f(-2 * h)) / (4 * h)
    return (4 * d1 - d2) / 3


# The interpreter computes in float64 (outputs are rounded to float32 once), so a float32
# step of 2^-8 of the value's scale resolves the derivative to about 1.6e-4 relative
# (measured, the largest of the 11 checks, for both backends). Each backend's gradient is
# compared with central differences of the interpreter; the C backend's tolerance allows
# for its float32 arithmetic on other compilers.
@pytest.mark.parametrize("backend", ["interp", "c"])
def test_gradients_match_finite_differences(patch, backend):
    module = dgen.torch.PatchModule(patch, trainable=["gain", "cutoff", "mix"], backend=backend)
    oracle = dgen.torch.PatchModule(patch, trainable=["gain", "cutoff", "mix"], backend="interp")
    x = inputs(2).requires_grad_()
    freq = torch.tensor([180.0, 260.0], requires_grad=True)
    w = weights(2)
    (module(FRAMES, inputs=x, params={"freq": freq}) * w).sum().backward()
    tol = 3e-4 if backend == "interp" else 2e-3

    def check(analytic, perturb, value):
        # A step of 2^-8 of the value's scale (at least 0.25: float32 outputs differenced
        # over a smaller step lose the derivative in their rounding).
        h = 2.0 ** np.floor(np.log2(max(abs(value), 0.25))) / 256

        def f(step):
            with torch.no_grad():
                perturb(step)
                try:
                    return loss_of(oracle, w, inputs=x.detach(), params={"freq": freq.detach()})
                finally:
                    perturb(-step)

        numeric = central_difference(f, h)
        assert analytic == pytest.approx(numeric, rel=tol, abs=tol * 1e-2), (analytic, numeric)

    for name in ["gain", "cutoff"]:
        p, q = module.parameter(name), oracle.parameter(name)
        check(float(p.grad), lambda s, q=q: q.add_(s), float(q))
    mix = oracle.parameter("mix")
    for e in range(2):
        check(float(module.parameter("mix").grad[e]), lambda s, e=e: mix[e].add_(s), float(mix[e]))
    for lane in range(2):
        check(float(freq.grad[lane]), lambda s, lane=lane: freq.data[lane].add_(s), float(freq[lane]))
    for lane, ch, t in [(0, 0, 0), (0, 0, 100), (1, 0, 255), (1, 1, 7), (0, 1, 200)]:
        check(float(x.grad[lane, ch, t]), lambda s, i=(lane, ch, t): x.data[i].add_(s), float(x[lane, ch, t]))


def test_inputs_needing_no_gradient_leave_the_params_gradients_as_they_were(patch):
    # Inputs that need no gradient are left out of the backward program (no input
    # adjoints); the params' gradients are those of the program that has them.
    module = dgen.torch.PatchModule(patch, trainable=["gain", "cutoff", "mix"])
    w, x = weights(2), inputs(2)
    freq = torch.tensor([180.0, 260.0])
    (module(FRAMES, inputs=x, params={"freq": freq}) * w).sum().backward()
    without = {name: p.grad.clone() for name, p in module.named_patch_parameters().items()}
    module.zero_grad()
    x_grad = x.clone().requires_grad_()
    (module(FRAMES, inputs=x_grad, params={"freq": freq}) * w).sum().backward()
    assert x.grad is None and x_grad.grad is not None and float(x_grad.grad.abs().sum()) > 0
    for name, p in module.named_patch_parameters().items():
        np.testing.assert_allclose(p.grad.numpy(), without[name].numpy(), rtol=1e-6, atol=1e-9)


def test_shared_values_get_the_sum_over_voices(patch):
    module = dgen.torch.PatchModule(patch, trainable=["gain"])
    w = weights(3)
    (module(FRAMES, inputs=inputs(3)) * w).sum().backward()
    total = float(module.parameter("gain").grad)
    per_voice = 0.0
    for b in range(3):
        module.zero_grad()
        (module(FRAMES, inputs=inputs(3)[b:b + 1]) * w[b:b + 1]).sum().backward()
        per_voice += float(module.parameter("gain").grad)
    assert total == pytest.approx(per_voice, rel=1e-5)


def test_values_are_clamped_to_bounds(patch):
    module = dgen.torch.PatchModule(patch, trainable=["gain"])
    with torch.no_grad():
        module.parameter("gain").fill_(5.0)
    out = module(FRAMES, inputs=inputs(1))
    np.testing.assert_array_equal(out.detach().numpy(), patch.render(FRAMES, inputs=inputs(1).numpy(),
                                                                     params={"gain": 2.0}))
    module.clamp_()
    assert float(module.parameter("gain")) == 2.0


def test_errors(patch):
    with pytest.raises(ValueError, match="no param named 'nope'"):
        dgen.torch.PatchModule(patch, trainable=["nope"])
    module = dgen.torch.PatchModule(patch)
    with pytest.raises(ValueError, match="3 values for a batch of 2"):
        module(FRAMES, inputs=inputs(2), params={"freq": torch.ones(3) * 100})
    with pytest.raises(ValueError, match=r"inputs must have shape"):
        module(FRAMES, inputs=torch.zeros(2, FRAMES))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_are_refused(patch):
    with pytest.raises(ValueError, match="CPU tensors only"):
        dgen.torch.PatchModule(patch)(FRAMES, inputs=inputs(1).cuda())


class Voice(torch.nn.Module):
    """Renders one voice per row of predicted, normalised gains."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, gain):
        return self.module(FRAMES, params={"gain": 2.0 * gain[:, 0]})[:, 0]


def test_patch_module_trains_inside_sequential():
    torch.manual_seed(0)
    synth = dgen.torch.PatchModule(
        "(param gain @default 1 @min 0 @max 2) (param freq @default 300 @min 20 @max 2000)"
        "(param offset @default 0 @min -1 @max 1)"
        "(out (+ offset (* gain (sin (* twopi (phasor freq))))) 1)", trainable=["offset"])
    model = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.Sigmoid(), Voice(synth))
    features = torch.linspace(0, 1, 8)[:, None]
    target_gain = 0.2 + 1.2 * features[:, 0]
    t = torch.arange(FRAMES) / 48000
    target = target_gain[:, None] * torch.sin(2 * np.pi * 300 * t)[None] + 0.1
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(150):
        optimizer.zero_grad()
        loss = torch.mean((model(features) - target) ** 2)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    assert losses[-1] < 1e-2 * losses[0], losses[::15]
    assert float(synth.parameter("offset")) == pytest.approx(0.1, abs=0.02)

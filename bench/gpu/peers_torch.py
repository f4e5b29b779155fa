"""PyTorch's side of the GPU benchmarks (docs/PERFORMANCE.md, "GPU (H200) side by side").

  python3 bench/gpu/peers_torch.py [--quick]

Figures, one JSON line each: the device copy bandwidth (the bound of a memory-bound
kernel); torchaudio's lfilter biquad forward and forward+backward (time-invariant
coefficients only: lfilter has no time-varying form, so each lane's cutoff is held);
dgen's mrstft loss written with torch.stft, forward+backward; and a training step
(forward+backward of the mrstft loss against a target) of examples/subtractive.lisp
with autograd through the per-sample loop of its recurrences. That loop costs about the
same for every sample, and over a whole second takes minutes, so it is timed over
VOICE_LOOP_FRAMES frames and scaled to the second; the loss over the full second is
timed on its own and added (both figures are in the record).
"""
import torch

import common
import torch_defs as T

rec = common.Recorder("torch")
dev = "cuda" if torch.cuda.is_available() else "cpu"
quick = rec.quick


def sync(_=None):
    if dev == "cuda":
        torch.cuda.synchronize()


def timed(fn, warmup=2, reps=5):
    return common.median_ms(fn, sync, warmup, reps)[0]


def copy_bandwidth():
    x = torch.randn(2**28 if not quick else 2**20, device=dev)
    y = torch.empty_like(x)
    ms = timed(lambda: y.copy_(x), 3, 10)
    rec.emit(workload="copy", bytes=2 * x.numel() * 4, ms=ms, GBps=2 * x.numel() * 4 / ms / 1e6)


def lfilter_biquad(lanes, n):
    import torchaudio.functional as AF  # only here: a machine without torchaudio still runs the rest

    gen = torch.Generator(device=dev).manual_seed(lanes)
    x = torch.rand(lanes, n, device=dev, generator=gen) - 0.5
    target = torch.from_numpy(common.biquad_target(n)).to(dev)
    cut0, q0 = (torch.from_numpy(v).to(dev) for v in common.biquad_lane_controls(lanes))

    def run(grad):
        xs = x.clone().requires_grad_(grad)
        cutoff, q = cut0.clone().requires_grad_(grad), q0.clone().requires_grad_(grad)
        b0, b1, b2, a1, a2 = T.cookbook_lowpass(cutoff, q)
        a = torch.stack([torch.ones_like(a1), a1, a2], 1)
        b = torch.stack([b0, b1, b2], 1)
        y = AF.lfilter(xs, a, b, clamp=False, batching=True)
        if not grad:
            return y
        loss = (y - target).square().sum()
        loss.backward()
        return loss

    with torch.no_grad():
        fwd = timed(lambda: run(False), 1, 3)
    fwdbwd = timed(lambda: run(True), 1, 3)
    common_fields = dict(workload="tv_biquad", impl="torchaudio.lfilter (time-invariant)", B=lanes, N=n)
    rec.emit(mode="fwd", ms=fwd, **common_fields)
    rec.emit(mode="fwdbwd", ms=fwdbwd, **common_fields)


def mrstft_step(lanes, n):
    gen = torch.Generator(device=dev).manual_seed(1)
    a = torch.randn(lanes, n, device=dev, generator=gen).requires_grad_()
    b = torch.randn(1, n, device=dev, generator=gen)

    def step():
        a.grad = None
        loss = T.mrstft(a, b, n, common.MRSTFT_SIZES)
        loss.backward()
        return loss

    rec.emit(workload="mrstft", impl="torch.stft", mode="fwdbwd", B=lanes, N=n, ms=timed(step, 2, 5))


def voice_step(lanes, frames, loop_frames):
    gate_np, semis_np = common.sequencer(frames)
    gate, semis = torch.from_numpy(gate_np).to(dev), torch.from_numpy(semis_np).to(dev)
    params = {k: torch.from_numpy(v).to(dev).requires_grad_() for k, v in common.voice_params(lanes).items()}
    with torch.no_grad():
        target_params = {k: v[:1].detach().clone() for k, v in params.items()}
        target_params["cutoff"].fill_(common.TARGET_CUTOFF)
        target = T.voice(target_params, gate, semis, loop_frames)
    weights = torch.randn(lanes, loop_frames, device=dev)

    def loop_step():  # the voice's forward + backward over loop_frames frames
        for v in params.values():
            v.grad = None
        y = T.voice(params, gate, semis, loop_frames)
        (y * weights).sum().backward()
        return y

    loop_ms = timed(loop_step, 1, 3)
    y = torch.randn(lanes, frames, device=dev, requires_grad=True)
    full_target = torch.randn(1, frames, device=dev)

    def loss_step():
        y.grad = None
        loss = T.mrstft(y, full_target, frames, common.MRSTFT_SIZES)
        loss.backward()
        return loss

    loss_ms = timed(loss_step, 2, 5)
    # The target's check that the loop computes the voice at all: finite, not silent.
    assert torch.isfinite(target).all() and target.abs().max() > 1e-3
    rec.emit(workload="voice_step", impl="torch autograd, per-sample loop", mode="fwdbwd", B=lanes,
             N=frames, ms=loop_ms * frames / loop_frames + loss_ms, loop_frames=loop_frames,
             loop_ms=loop_ms, loss_ms=loss_ms, extrapolated=True)


if quick:
    rec.guard("copy", copy_bandwidth)
    rec.guard("tv_biquad", lambda: lfilter_biquad(4, 4096))
    rec.guard("mrstft", lambda: mrstft_step(4, 8192))
    rec.guard("voice_step", lambda: voice_step(4, 4096, 64))
else:
    rec.emit(workload="env", gpu=torch.cuda.get_device_name() if dev == "cuda" else "cpu",
             torch=torch.__version__)
    rec.guard("copy", copy_bandwidth)
    for lanes in common.BIQUAD_LANES:
        rec.guard("tv_biquad", lambda: lfilter_biquad(lanes, common.N_BIQUAD))
        torch.cuda.empty_cache()
    rec.guard("mrstft", lambda: mrstft_step(common.MRSTFT_LANES, common.N_MRSTFT))
    rec.guard("voice_step", lambda: voice_step(common.VOICE_LANES, common.VOICE_FRAMES,
                                               common.env_flag("VOICE_LOOP_FRAMES", 1024)))

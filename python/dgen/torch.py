"""A dgen patch as a differentiable PyTorch module (docs/PYTHON.md, "PyTorch").

    import dgen.torch
    synth = dgen.torch.PatchModule("examples/subtractive.lisp", trainable=["cutoff"])
    audio = synth(48000, params={"pitch": predicted_pitch})   # [B, out_channels, frames]

The forward pass runs the patch's compiled program over the batch's voices as lanes; the
backward pass runs dgen's reverse-time gradient program (include/dgen/grad.hpp) once per
voice. Tensors must be on the CPU; with backend="cuda" dgen runs the patch on the GPU
itself, copying through the host.
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional

import numpy as np
import torch
from torch import nn

from .patch import Patch, load
from .values import input_channels, lane_inputs, param_values

__all__ = ["PatchModule"]


def _cpu(tensor: torch.Tensor, what: str) -> torch.Tensor:
    if tensor.device.type != "cpu":
        raise ValueError(f"{what} is on {tensor.device}: dgen.torch takes CPU tensors only "
                         "(with backend='cuda' dgen runs the patch on the GPU itself); "
                         "move it with .cpu()")
    return tensor


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().to(torch.float32).contiguous().numpy()


class _Render(torch.autograd.Function):
    """Renders a batch: forward through Compiled.render, backward through the patch's
    vector-Jacobian program, one voice at a time."""

    @staticmethod
    def forward(ctx, module, frames, batch, inputs, *values):
        patch = module.patch
        params = {spec["name"]: _numpy(v) for spec, v in zip(patch._specs, values)}
        x = None if inputs is None else _numpy(inputs)
        compiled = patch.compile(module.sample_rate, batch, module.backend, module.fast_math)
        out = compiled.render(frames, inputs=x, params=params)
        ctx.module, ctx.frames, ctx.batch = module, frames, batch
        ctx.lane_values = param_values(patch, params, batch)
        ctx.lane_inputs = lane_inputs(patch, x, frames, batch)
        ctx.shapes = [v.shape for v in values]
        ctx.has_inputs = inputs is not None
        return torch.from_numpy(out)

    @staticmethod
    def backward(ctx, upstream):
        module, patch, frames, batch = ctx.module, ctx.module.patch, ctx.frames, ctx.batch
        wants_x = ctx.has_inputs and ctx.needs_input_grad[3]
        vjp = patch._vector_jacobian(module.sample_rate, module.backend, module.fast_math, wants_x)
        g = _numpy(upstream)
        param_grads = [np.zeros((batch,) if not spec["shape"] else tuple(spec["shape"]))
                       for spec in patch._specs]
        input_grads = np.zeros((batch, len(patch.inputs), frames), dtype=np.float32) if wants_x else None
        for lane in range(batch):
            shared = ctx.lane_inputs[lane if len(ctx.lane_inputs) > 1 else 0]
            values = [v[lane:lane + 1] if not spec["shape"] else v
                      for spec, v in zip(patch._specs, ctx.lane_values)]
            grads, x_lane = vjp.run(frames, input_channels(patch, shared), values,
                                    np.ascontiguousarray(g[lane]))
            if wants_x:
                input_grads[lane] = x_lane
            for k, spec in enumerate(patch._specs):
                if spec["shape"]:
                    param_grads[k] += grads[k].reshape(spec["shape"])
                else:
                    param_grads[k][lane] = grads[k][0]
        value_grads = [torch.from_numpy(g).to(torch.float32).reshape(shape)
                       for g, shape in zip(param_grads, ctx.shapes)]
        x_grad = torch.from_numpy(input_grads) if wants_x else None
        return (None, None, None, x_grad, *value_grads)


class PatchModule(nn.Module):
    """A patch as an nn.Module (docs/PYTHON.md).

    patch: a `dgen.Patch`, a path or patch source. trainable: names of the params that
    become nn.Parameters in the patch's natural units (default: every param); the others
    keep their defaults unless overridden per call. Values are clamped to each param's
    [min, max] in the forward pass (a bound stops the gradient, as a projection would);
    call `clamp_()` after an optimizer step to keep the parameters themselves in bounds.
    """

    def __init__(self, patch, sample_rate=48000, trainable: Optional[Iterable[str]] = None,
                 backend: str = "auto", fast_math: bool = False):
        super().__init__()
        self.patch: Patch = patch if isinstance(patch, Patch) else load(patch)
        self.sample_rate = float(sample_rate)
        self.backend = backend
        self.fast_math = bool(fast_math)
        # checks the rate and backend now
        self.patch.compile(self.sample_rate, 1, backend, self.fast_math)
        names = list(self.patch.params) if trainable is None else list(trainable)
        for name in names:
            if name not in self.patch.params:
                raise ValueError(f"trainable: the patch has no param named {name!r} "
                                 f"(its params: {', '.join(self.patch.params) or 'none'})")
        self._trainable = {}
        self.values = nn.ParameterDict()
        for k, name in enumerate(names):
            default = self.patch.params[name].default
            key = f"p{k}"  # ParameterDict keys cannot hold every character a param name can
            self.values[key] = nn.Parameter(torch.tensor(np.asarray(default, dtype=np.float32)))
            self._trainable[name] = key

    def parameter(self, name: str) -> nn.Parameter:
        """The nn.Parameter of trainable param `name`."""
        return self.values[self._trainable[name]]

    def named_patch_parameters(self) -> Dict[str, nn.Parameter]:
        return {name: self.values[key] for name, key in self._trainable.items()}

    @torch.no_grad()
    def clamp_(self) -> "PatchModule":
        """Clamps every trainable param into its [min, max]."""
        for name, p in self.named_patch_parameters().items():
            spec = self.patch.params[name]
            p.clamp_(min=spec.min, max=spec.max) if (spec.min is not None or spec.max is not None) else None
        return self

    def forward(self, frames: int, inputs: Optional[torch.Tensor] = None,
                params: Optional[Dict[str, torch.Tensor]] = None) -> torch.Tensor:
        """Renders [B, out_channels, frames]. params: name -> tensor [B] (one value per voice)
        or a number, overriding the module's own; inputs: [B, in_channels, frames]."""
        params = dict(params or {})
        batch = 1
        if inputs is not None:
            _cpu(inputs, "inputs")
            if inputs.dim() != 3:
                raise ValueError(f"inputs must have shape [B, in_channels, frames], got {tuple(inputs.shape)}")
            batch = inputs.shape[0]
        for name, value in params.items():
            if name not in self.patch.params:
                raise ValueError(f"the patch has no param named {name!r} "
                                 f"(its params: {', '.join(self.patch.params) or 'none'})")
            value = torch.as_tensor(value, dtype=torch.float32)
            params[name] = _cpu(value, f"param {name!r}")
            if self.patch.params[name].shape:
                continue
            if value.dim() > 1:
                raise ValueError(f"param {name!r}: expected a tensor of shape [B], got {tuple(value.shape)}")
            if value.dim() == 1 and value.shape[0] != 1:
                if batch != 1 and value.shape[0] != batch:
                    raise ValueError(f"param {name!r} has {value.shape[0]} values for a batch of {batch}")
                batch = value.shape[0]
        values = []
        for name, spec in self.patch.params.items():
            if name in params:
                value = params[name]
            elif name in self._trainable:
                value = self.values[self._trainable[name]]
            else:
                value = torch.as_tensor(np.asarray(spec.default, dtype=np.float32))
            if spec.min is not None or spec.max is not None:
                value = torch.clamp(value, min=spec.min, max=spec.max)
            if not spec.shape:
                value = value.reshape(-1)
                if value.shape[0] == 1 and batch > 1:
                    value = value.expand(batch)
            values.append(value)
        return _Render.apply(self, int(frames), batch, inputs, *values)

"""The numpy API: `load`, `Patch`, `Compiled` (docs/PYTHON.md).

The compiled extension (`dgen._dgen`) runs dgen's programs; this module checks names and
shapes (ValueError, before anything runs) and gives the API its form.
"""
from __future__ import annotations

import os
from typing import Dict, List, Mapping, NamedTuple, Optional, Tuple

import numpy as np

from . import _dgen
from .values import input_channels, lane_inputs, param_values


class ParamSpec(NamedTuple):
    """What a patch declares about one param, in its natural units."""

    default: object  # a float for a scalar param, a float32 array for a tensor param
    min: Optional[float]
    max: Optional[float]
    unit: str
    shape: Tuple[int, ...]


class Port(NamedTuple):
    channel: int  # 1-based, as in (in ch) / (out ch)
    name: str


class Gradient(NamedTuple):
    loss: float
    params: Dict[str, object]  # name -> float (scalar) or float64 array (tensor)
    inputs: np.ndarray  # [in_channels, frames]: d loss / d input sample


BACKENDS = tuple(_dgen.backend_choices())  # as the command line's --backend


def _check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    return backend


def _check_sample_rate(sample_rate) -> float:
    rate = float(sample_rate)
    if not np.isfinite(rate) or rate <= 0:
        raise ValueError(f"sample_rate must be a positive number, got {sample_rate!r}")
    return rate


def _check_count(value, what: str, minimum: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise ValueError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


class Patch:
    """A loaded patch. Render it, compile it for repeated runs, or take gradients."""

    def __init__(self, core: "_dgen.Patch"):
        self._core = core
        self._specs = core.params
        self.params: Dict[str, ParamSpec] = {
            p["name"]: ParamSpec(
                float(p["default"]) if not p["shape"] else np.array(p["defaults"]).reshape(p["shape"]),
                p["min"], p["max"], p["unit"], tuple(p["shape"]))
            for p in self._specs
        }
        self._index = {p["name"]: k for k, p in enumerate(self._specs)}  # declaration order
        self.inputs: List[Port] = [Port(*p) for p in core.inputs]
        self.outputs: List[Port] = [Port(*p) for p in core.outputs]
        self._compiled: Dict[tuple, Compiled] = {}
        self._vjp: Dict[tuple, object] = {}
        self._defaults: Dict[int, List[np.ndarray]] = {}  # values.default_values

    @property
    def file(self) -> str:
        return self._core.file

    def __repr__(self) -> str:
        return (f"<dgen.Patch {self.file!r}: {len(self.params)} params, "
                f"{len(self.inputs)} inputs, {len(self.outputs)} outputs>")

    def compile(self, sample_rate=48000, lanes=1, backend="auto", fast_math=False) -> "Compiled":
        """The patch compiled for a rate, a lane count and a backend, cached on the patch:
        later calls with the same arguments return the same object, and its runs with new
        param values or inputs never recompile. fast_math: the CUDA backend's code uses
        the GPU's approximate sine, cosine, exp, log and division (as `--fast-math`,
        docs/CLI.md "Fast math"); the other backends ignore it."""
        key = (_check_sample_rate(sample_rate), _check_count(lanes, "lanes", 1),
               _check_backend(backend), bool(fast_math))
        if key not in self._compiled:
            self._compiled[key] = Compiled(self, *key)
        return self._compiled[key]

    def render(self, frames, sample_rate=48000, lanes=1, inputs=None, params=None, backend="auto",
               fast_math=False):
        """float32 array [lanes, out_channels, frames] (see `Compiled.render`)."""
        return self.compile(sample_rate, lanes, backend, fast_math).render(
            frames, inputs=inputs, params=params)

    def grad(self, loss="mrstft", target=None, frames=None, sample_rate=48000, channel=1,
             inputs=None, params=None, backend="auto", fast_math=False) -> Gradient:
        """The loss between output `channel` and `target` (1-D, cut or zero-padded to
        `frames`, default its length) and its gradient for every param and input sample,
        as `dgen grad` computes it (loss: as `dgen grad --loss`, e.g. mrstft or
        mrstft+0.1*loudness)."""
        if target is None:
            raise ValueError("grad needs a target: a 1-D array of samples")
        target = np.asarray(target, dtype=np.float32)
        if target.ndim != 1:
            raise ValueError(f"target must be 1-D (mono samples), got shape {target.shape}")
        frames = _check_count(len(target) if frames is None else frames, "frames", 1)
        target = np.ascontiguousarray(target[:frames] if len(target) >= frames
                                      else np.pad(target, (0, frames - len(target))))
        rate = _check_sample_rate(sample_rate)
        shared = lane_inputs(self, inputs, frames, 1)[0]
        values = param_values(self, params, 1)
        value, (param_grads, input_grads) = _dgen.loss_grad(
            self._core, str(loss), target, frames, rate, int(channel),
            input_channels(self, shared), values, _check_backend(backend), bool(fast_math))
        grads = {spec["name"]: (float(g[0]) if not spec["shape"] else g.reshape(spec["shape"]))
                 for spec, g in zip(self._specs, param_grads)}
        return Gradient(value, grads, input_grads)

    def _vector_jacobian(self, sample_rate: float, backend: str, fast_math: bool,
                         input_grads: bool):
        """The compiled vector-Jacobian product of one voice (dgen.torch's backward), with
        the gradients of the patch's inputs or without."""
        key = (sample_rate, backend, fast_math, input_grads)
        if key not in self._vjp:
            self._vjp[key] = _dgen.VectorJacobian(self._core, sample_rate, backend, fast_math,
                                                  input_grads)
        return self._vjp[key]


class Compiled:
    """A patch compiled for one sample rate, lane count and backend (`Patch.compile`)."""

    def __init__(self, patch: Patch, sample_rate: float, lanes: int, backend: str,
                 fast_math: bool):
        self.patch = patch
        self.sample_rate = sample_rate
        self.lanes = lanes
        self.fast_math = fast_math
        self._renderer = _dgen.Renderer(patch._core, sample_rate, lanes, backend, fast_math)
        self._requested_backend = backend

    @property
    def backend(self) -> str:
        """The backend that runs: 'c', 'interp' or 'cuda'."""
        return self._renderer.backend

    def render(self, frames, inputs=None, params=None) -> np.ndarray:
        """Renders `frames` frames from a fresh state: float32 [lanes, out_channels, frames].

        inputs: [in_channels, frames] shared by every lane, or [lanes, in_channels, frames]
        (channels in the order of `patch.inputs`); None is silence.
        params: name -> a number, an array with one value per lane (scalar params), or an
        array of the param's shape; params not given take their defaults.
        """
        frames = _check_count(frames, "frames", 0)
        per_lane = lane_inputs(self.patch, inputs, frames, self.lanes)
        values = param_values(self.patch, params, self.lanes)
        if len(per_lane) == 1:
            return self._renderer.run(frames, input_channels(self.patch, per_lane[0]), values)
        # Lanes with inputs of their own run one at a time (a program's lanes share its inputs).
        single = self.patch.compile(self.sample_rate, 1, self._requested_backend, self.fast_math)
        out = np.empty((self.lanes, len(self.patch.outputs), frames), dtype=np.float32)
        for lane, lane_in in enumerate(per_lane):
            lane_values = [v[lane:lane + 1] if not spec["shape"] else v
                           for spec, v in zip(self.patch._specs, values)]
            out[lane] = single._renderer.run(frames, input_channels(self.patch, lane_in), lane_values)[0]
        return out


def load(path_or_source) -> Patch:
    """A patch from a .lisp file's path, or from patch source text (anything that
    contains a parenthesis or a newline and is not an existing file)."""
    text = os.fspath(path_or_source)
    if not os.path.exists(text) and ("(" in text or "\n" in text):
        return Patch(_dgen.load_source(text, "<string>"))
    return Patch(_dgen.load_file(text))

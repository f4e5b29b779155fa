"""Param values and inputs from Python objects to what the extension takes, with the
checks that make a bad shape or name a ValueError (docs/PYTHON.md, "Errors")."""
from __future__ import annotations

from typing import List

import numpy as np


def _names(patch) -> str:
    return ", ".join(patch.params) or "none"


def param_values(patch, params, lanes: int) -> List[np.ndarray]:
    """Every param's values in declaration order: lanes values for a scalar param, the
    param's numel values for a tensor param; a param not in `params` takes its default."""
    params = params or {}
    out = list(default_values(patch, lanes))
    for name, given in params.items():
        k = patch._index.get(name)
        if k is None:
            raise ValueError(f"the patch has no param named {name!r} (its params: {_names(patch)})")
        shape = patch.params[name].shape
        value = np.asarray(given, dtype=np.float32)
        if not np.all(np.isfinite(value)):
            raise ValueError(f"param {name!r}: values must be finite")
        if not shape:
            if value.ndim == 0 or value.shape == (1,):
                value = np.full(lanes, value.reshape(()), dtype=np.float32)
            elif value.shape != (lanes,):
                raise ValueError(f"param {name!r} is a scalar: give a number or one value per lane "
                                 f"(shape ({lanes},)), got shape {value.shape}")
        elif value.shape != shape:
            raise ValueError(f"param {name!r} has shape {shape}, got an array of shape {value.shape}"
                             " (tensor params take one value shared by every lane)")
        out[k] = np.ascontiguousarray(value.reshape(-1))
    return out


def default_values(patch, lanes: int) -> List[np.ndarray]:
    """Every param's default for `lanes` lanes, made once per lane count (a render that
    sets a few params of many would otherwise spend most of its Python time here)."""
    cache = patch._defaults
    if lanes not in cache:
        cache[lanes] = [np.full(lanes, spec["default"], dtype=np.float32) if not spec["shape"]
                        else np.asarray(spec["defaults"], dtype=np.float32).reshape(-1)
                        for spec in patch._specs]
        for values in cache[lanes]:
            values.flags.writeable = False
    return cache[lanes]


def lane_inputs(patch, inputs, frames: int, lanes: int) -> List[np.ndarray]:
    """The inputs as [in_channels, frames] arrays: one shared by every lane, or one per
    lane when lanes were given different inputs."""
    channels = len(patch.inputs)
    if inputs is None:
        return [np.zeros((channels, frames), dtype=np.float32)]
    x = np.asarray(inputs, dtype=np.float32)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[1:] != (channels, frames) or x.shape[0] not in (1, lanes):
        raise ValueError(f"inputs must have shape [in_channels, frames] = [{channels}, {frames}] or "
                         f"[lanes, in_channels, frames] = [{lanes}, {channels}, {frames}], got {x.shape}"
                         f" (the patch's inputs: {[p.channel for p in patch.inputs]})")
    if not np.all(np.isfinite(x)):
        raise ValueError("inputs must be finite")
    if x.shape[0] == 1 or all(np.array_equal(x[0], x[l]) for l in range(1, lanes)):
        return [x[0]]
    return list(x)


def input_channels(patch, shared: np.ndarray):
    """(channel, samples) pairs for the extension, in the order of patch.inputs."""
    return [(port.channel, np.ascontiguousarray(shared[k])) for k, port in enumerate(patch.inputs)]

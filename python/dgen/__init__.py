"""dgen from Python: load a patch, render it to numpy arrays, compute gradients.

    import dgen
    patch = dgen.load("examples/subtractive.lisp")
    audio = patch.render(48000, params={"cutoff": 800.0})   # float32 [lanes, outs, frames]

`dgen.torch` (imported on its own, it needs PyTorch) makes a patch a differentiable
``torch.nn.Module``. See docs/PYTHON.md.
"""
from ._dgen import Error, PatchError
from .patch import Compiled, Gradient, ParamSpec, Patch, Port, load

__all__ = ["Compiled", "Error", "Gradient", "ParamSpec", "Patch", "PatchError", "Port", "load"]

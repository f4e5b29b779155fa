"""Data-parallel training: the example examples/python/distributed.py runs 2 processes
with gloo on the CPU and checks that DDP's gradients equal one process's on the whole
batch (it exits non-zero when they differ by more than 1e-5 of the largest)."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("torch")


def test_two_gloo_processes_match_one_process():
    env = dict(os.environ)
    run = subprocess.run([sys.executable, str(ROOT / "examples" / "python" / "distributed.py"),
                          "--world-size", "2"], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 of 2 processes (gloo)" in run.stdout

"""The DDSP-style example runs end to end on data/909kick.wav: a few steps lower its loss
and it writes the loss curve, the learnt controls and the audio."""
import csv
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("torch")


def test_ddsp_example_trains_and_writes_its_outputs(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "examples" / "python" / "ddsp_kick.py"),
                          "--steps", "5", "--out", str(tmp_path)], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    with open(tmp_path / "loss.csv") as f:
        losses = [float(row["loss"]) for row in csv.DictReader(f)]
    assert len(losses) == 5 and losses[-1] < losses[0]
    for name in ["loss.svg", "rendered.wav", "target.wav", "controls.csv"]:
        assert (tmp_path / name).stat().st_size > 0, name

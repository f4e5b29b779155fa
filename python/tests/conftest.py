"""Shared fixtures. ctest runs this suite from the build tree with PYTHONPATH, DGEN_CLI
and DGEN_SOURCE_DIR set (python/CMakeLists.txt); run by hand, the paths default to the
repository and its build/ directory."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(os.environ.get("DGEN_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def cli():
    path = pathlib.Path(os.environ.get("DGEN_CLI") or ROOT / "build" / "dgen")
    if not path.exists():
        pytest.skip(f"the dgen command line is not built ({path})")
    return str(path)

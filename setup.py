"""Builds the Python package `dgen`: the project's CMake compiles the extension
dgen._dgen (python/CMakeLists.txt) for the interpreter running this script, and setuptools
packages it with the modules of python/dgen/. No network: CMake, a C++20 compiler,
pybind11 and the Python headers come from Debian (docs/PYTHON.md, "Install")."""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), *generator,
                        "-DCMAKE_BUILD_TYPE=Release", f"-DPython3_EXECUTABLE={sys.executable}",
                        "-DDGEN_BUILD_PYTHON=ON", "-DDGEN_BUILD_TESTS=OFF", "-DDGEN_BUILD_BENCH=OFF",
                        "-DDGEN_BUILD_TOOLS=OFF", "-DDGEN_BUILD_EXAMPLES=OFF"], check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build), "--target", "_dgen", "-j", jobs], check=True)
        built = next((build / "python" / "dgen").glob("_dgen*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(
    packages=["dgen"],
    package_dir={"dgen": "python/dgen"},
    ext_modules=[Extension("dgen._dgen", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    # setuptools' own build directory, apart from the CMake build/ of `make`.
    options={"build": {"build_base": "build-python"}},
    zip_safe=False,
)

#!/usr/bin/env bash
# The GPU machine's check (docs/ARCHITECTURE.md, src/backend/cuda): builds dgen with CUDA
# there (cmake + ninja, no network: the library and the tests only, which need no
# libsndfile, CLI11 or nlohmann_json; with GPU_DEPS also the dgen command line, whose
# check on cuda then runs first), runs the CUDA tests (the CUDA layer, the printer,
# and every backend-parameterised suite on the cuda backend against the interpreter: ops,
# random graphs, streaming, gradients), then the GPU benchmarks when bench/gpu/run.sh
# exists, and prints a short summary last. A CudaDevice test skipped there (no usable GPU)
# fails the check.
#
# Usage: scripts/gpu-check.sh [BUILD_DIR]   (default build-gpu)
# GTEST_SOURCE=DIR builds GoogleTest from that source tree first, for machines without it.
# GPU_BENCH=0 skips the benchmarks (a second call on the same build runs them); GPU_CLI=0
# the command line's check; GPU_TEST_FILTER replaces the tests' filter, GPU_TEST_TIMEOUT
# (seconds, default 1200) bounds their run.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(mkdir -p "${1:-$root/build-gpu}" && cd "${1:-$root/build-gpu}" && pwd)
log="$build/gpu-check.log"
: >"$log"
jobs=$(nproc)
# The parameterised suites name their CUDA instances ".../Cuda_case" or ".../Cuda". The
# printer's NVRTC tests (RenderCuda), the command line's dumps (CliInfoDump) and the CUDA
# source run on host threads (*CudaOnCpu*: minutes of CPU, no GPU) need no GPU: CI runs them.
filter=${GPU_TEST_FILTER:-'*Cuda*:GradProgram*:InputGrads.*:Backends.*:-RenderCuda.*:CliInfoDump.*:*CudaOnCpu*'}

fail() {
  echo "== gpu-check summary =="
  echo "FAILED: $1 (log: $log)"
  exit 1
}

gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
nvcc_version=$(nvcc --version 2>/dev/null | grep -o 'release [0-9.]*' || true)

prefix_path=""
if [ -n "${GTEST_SOURCE:-}" ]; then
  echo "-- building GoogleTest from $GTEST_SOURCE"
  { cmake -S "$GTEST_SOURCE" -B "$build/googletest" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$build/googletest-install" -DBUILD_GMOCK=OFF &&
    cmake --build "$build/googletest" -j "$jobs" &&
    cmake --install "$build/googletest"; } >>"$log" 2>&1 || fail "GoogleTest did not build"
  prefix_path="$build/googletest-install"
fi

# GPU_DEPS=DIR: the dependencies scripts/gpu-deps.sh packed (libsndfile, pkg-config's
# file for it, CLI11, nlohmann-json), for a machine without Debian's packages; with them
# the dgen command line is built too and checked on the cuda backend.
tools=OFF
if [ -n "${GPU_DEPS:-}" ]; then
  deps=$(cd "$GPU_DEPS" && pwd)
  prefix_path="${prefix_path:+$prefix_path;}$deps"
  export PKG_CONFIG_PATH="$deps/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  export LD_LIBRARY_PATH="$deps/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  [ -x "$deps/bin/pkg-config" ] && export PKG_CONFIG="$deps/bin/pkg-config"
  tools=ON
fi

echo "-- configuring dgen in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix_path" \
  -DDGEN_BUILD_TOOLS=$tools -DDGEN_BUILD_BENCH=OFF -DDGEN_BUILD_EXAMPLES=OFF -DDGEN_BUILD_PYTHON=OFF >>"$log" 2>&1 ||
  fail "cmake could not configure dgen"
grep -q "dgen: CUDA layer built" "$log" || fail "CMake did not find the CUDA toolkit"

# The command line is built with the tests, in one build that keeps every core busy: built
# after the tests' run, it was cut by the GPU machine's time bound on a fresh machine.
targets=(dgen_tests)
[ "$tools" = ON ] && [ "${GPU_CLI:-1}" = 1 ] && targets+=(dgen_cli)
echo "-- building ${targets[*]} with $jobs jobs"
start=$(date +%s)
# A command line that does not build fails its check below, not the tests.
cmake --build "$build" --target "${targets[@]}" -j "$jobs" >>"$log" 2>&1 ||
  cmake --build "$build" --target dgen_tests -j "$jobs" >>"$log" 2>&1 || fail "the build failed"
build_s=$(($(date +%s) - start))

# ---- the command line on cuda (scripts/gpu-cli-check.sh), when it was built: before the
# tests, which take minutes and may meet the machine's time bound ----
cli_rc=0
if [ "$tools" = ON ] && [ "${GPU_CLI:-1}" = 1 ]; then
  echo "-- checking the command line on cuda"
  if [ -x "$build/dgen" ]; then
    DGEN_CACHE_DIR="$build/dgen-cache" "$root/scripts/gpu-cli-check.sh" "$build/dgen" "$build/cli-check" 2>&1 | tee -a "$log"
    cli_rc=${PIPESTATUS[0]}
  else
    echo "cli: the dgen program did not build" | tee -a "$log"
    cli_rc=1
  fi
fi

echo "-- running $filter"
DGEN_CACHE_DIR="$build/dgen-cache" timeout "${GPU_TEST_TIMEOUT:-1200}" "$build/tests/dgen_tests" \
  --gtest_filter="$filter" 2>&1 | tee -a "$log"
tests_rc=${PIPESTATUS[0]}

# ---- GPU benchmarks (bench/gpu/run.sh, when present: it prints its own summary lines,
# prefixed "bench:", which are repeated in the summary below) ----
bench_rc=0
if [ "${GPU_BENCH:-1}" = 1 ] && [ -x "$root/bench/gpu/run.sh" ]; then
  echo "-- running bench/gpu/run.sh"
  "$root/bench/gpu/run.sh" "$build" 2>&1 | tee -a "$log"
  bench_rc=${PIPESTATUS[0]}
fi
# ---- end of the GPU benchmarks ----

passed=$(grep -o '^\[  PASSED  \] [0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
skipped=$(grep -o '^\[  SKIPPED \] [0-9]* test' "$log" | grep -o '[0-9]*' | head -1 || true)
failed=$(grep -o '^\[  FAILED  \] [0-9]* test' "$log" | grep -o '[0-9]*' | head -1 || true)
echo "== gpu-check summary =="
echo "GPU: ${gpu:-none found}; nvcc: ${nvcc_version:-none}; build: ${build_s} s with $jobs jobs"
echo "tests ($filter): ${passed:-0} passed, ${skipped:-0} skipped, ${failed:-0} failed"
grep '^\[  TIMING  \]' "$log" | sed 's/^\[  TIMING  \] /timing: /'
grep '^cli: [0-9]' "$log" || true
grep '^bench:' "$log" || true
if [ "$tests_rc" -ne 0 ] || [ -n "$failed" ]; then
  echo "FAILED: tests failed"
  exit 1
fi
if [ "$cli_rc" -ne 0 ]; then
  echo "FAILED: the command line on cuda (see the cli: lines above)"
  exit 1
fi
if [ "$bench_rc" -ne 0 ]; then
  echo "FAILED: bench/gpu/run.sh failed"
  exit 1
fi
if grep -q '^\[  SKIPPED \] CudaDevice\.' "$log"; then
  echo "FAILED: the GPU tests were skipped: $(grep -m1 -B1 '^\[  SKIPPED \] CudaDevice\.' "$log" | head -1)"
  exit 1
fi
echo "OK"

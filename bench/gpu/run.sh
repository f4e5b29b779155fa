#!/usr/bin/env bash
# The GPU side-by-side benchmarks (docs/PERFORMANCE.md, "GPU (H200) side by side"), in one
# run on the GPU machine: builds dgen_gpu_bench, checks the peers against dgen's C backend
# (check_peers.py), times PyTorch and JAX (peers_torch.py, peers_jax.py), dgen with
# Backend::Cuda and dgen's one-core Backend::C time of the training step, and prints a
# short table of ratios last (summarize.py). Where dgen's CUDA backend cannot run yet its
# column says pending with the reason, and everything else still runs.
#
# Usage: bench/gpu/run.sh [BUILD_DIR]   (default build-gpu; configured here if it is not)
#   BENCH_OUT=DIR   where results.jsonl and the logs go (default BUILD_DIR/gpu-bench)
#   PYTHON=python3  the interpreter with torch, torchaudio and JAX
#   QUICK=1         tiny sizes, to try the scripts anywhere (CPU too) in seconds
#   STEP_TIMEOUT=S  the longest one step (a peer's script, a dgen run) may take (default 300)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/gpu"
build=$(mkdir -p "${1:-$root/build-gpu}" && cd "${1:-$root/build-gpu}" && pwd)
out=$(mkdir -p "${BENCH_OUT:-$build/gpu-bench}" && cd "${BENCH_OUT:-$build/gpu-bench}" && pwd)
py=${PYTHON:-python3}
limit=${STEP_TIMEOUT:-300}
quick=()
[ "${QUICK:-0}" = 1 ] && quick=(--quick)
results="$out/results.jsonl"
log="$out/run.log"
: >"$results"
: >"$log"
export DGEN_CACHE_DIR="${DGEN_CACHE_DIR:-$build/dgen-cache}"

echo "-- building dgen_gpu_bench in $build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDGEN_BUILD_TESTS=OFF \
    -DDGEN_BUILD_TOOLS=OFF -DDGEN_BUILD_BENCH=OFF -DDGEN_BUILD_EXAMPLES=OFF \
    -DDGEN_BUILD_PYTHON=OFF >>"$log" 2>&1 || echo "cmake could not configure dgen (log: $log)"
fi
bench="$build/bench/gpu/dgen_gpu_bench"
cmake --build "$build" --target dgen_gpu_bench -j "$(nproc)" >>"$log" 2>&1 ||
  echo "dgen_gpu_bench did not build (no CUDA toolkit? log: $log); the peers still run"

if [ -x "$bench" ]; then
  echo "-- checking the peers against dgen's C backend"
  mkdir -p "$out/ref"
  "$bench" --dump "$out/ref" "${quick[@]}" | tee -a "$results"
  (cd "$here" && "$py" check_peers.py "$out/ref" "$results" --out "$results" \
    --torch-frames "$([ ${#quick[@]} -gt 0 ] && echo 256 || echo 4800)") 2>>"$log"
fi
# A peer's script that dies (a missing package, a crash) leaves a record saying so.
peer() {
  echo "-- $1"
  (cd "$here" && PYTHONUNBUFFERED=1 timeout "$limit" "$py" "$2" --out "$results" "${quick[@]}") 2>>"$log" ||
    echo "{\"side\": \"$1\", \"workload\": \"all\", \"error\": \"$2 exited with $? ($(tail -1 "$log" | tr -d '\"\\'))\"}" |
    tee -a "$results"
}
peer torch peers_torch.py
peer jax peers_jax.py
if [ -x "$bench" ]; then
  echo "-- dgen, Backend::Cuda"
  timeout "$limit" "$bench" --backend cuda "${quick[@]}" | tee -a "$results"
  echo "-- dgen, Backend::C on one core (the training step in 16 lanes, scaled to 256)"
  if [ ${#quick[@]} -gt 0 ]; then
    "$bench" --backend c --workloads voice "${quick[@]}" | tee -a "$results"
  else
    timeout "$limit" "$bench" --backend c --workloads voice --voice-lanes 16 --scale-to 256 --reps 3 | tee -a "$results"
  fi
fi
"$py" "$here/summarize.py" "$results"

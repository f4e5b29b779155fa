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
steps="$out/steps.txt"
: >"$results"
: >"$log"
: >"$steps"
export DGEN_CACHE_DIR="${DGEN_CACHE_DIR:-$build/dgen-cache}"

# step NAME COMMAND...: runs COMMAND in bench/gpu for at most $limit seconds, its JSON lines
# (stdout) into results.jsonl and its stderr into the log; a command that fails leaves a
# record saying so, and the next step runs all the same. Each step's time goes to steps.txt.
step() {
  local name=$1 start=$SECONDS
  shift
  echo "-- $name"
  (cd "$here" && PYTHONUNBUFFERED=1 timeout "$limit" "$@") 2>>"$log" | tee -a "$results"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    local why
    why=$(tail -1 "$log" | tr -d '"\\' | cut -c1-200)
    echo "{\"side\": \"$name\", \"workload\": \"all\", \"error\": \"exited with $rc ($why)\"}" | tee -a "$results"
  fi
  echo "$name $((SECONDS - start))" >>"$steps"
}

echo "-- building dgen_gpu_bench in $build"
start=$SECONDS
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDGEN_BUILD_TESTS=OFF \
    -DDGEN_BUILD_TOOLS=OFF -DDGEN_BUILD_BENCH=OFF -DDGEN_BUILD_EXAMPLES=OFF \
    -DDGEN_BUILD_PYTHON=OFF >>"$log" 2>&1 || echo "cmake could not configure dgen (log: $log)"
fi
bench="$build/bench/gpu/dgen_gpu_bench"
cmake --build "$build" --target dgen_gpu_bench -j "$(nproc)" >>"$log" 2>&1 ||
  echo "dgen_gpu_bench did not build (no CUDA toolkit? log: $log); the peers still run"
echo "build $((SECONDS - start))" >>"$steps"

if [ -x "$bench" ]; then
  mkdir -p "$out/ref"
  step dump "$bench" --dump "$out/ref" "${quick[@]}"
  step check "$py" check_peers.py "$out/ref" "$results" \
    --torch-frames "$([ ${#quick[@]} -gt 0 ] && echo 256 || echo 4800)"
fi
step torch "$py" peers_torch.py "${quick[@]}"
step jax "$py" peers_jax.py "${quick[@]}"
if [ -x "$bench" ]; then
  step dgen-cuda "$bench" --backend cuda "${quick[@]}"
  # dgen's one-core time of the training step: 16 lanes, scaled to 256 (docs/PERFORMANCE.md).
  if [ ${#quick[@]} -gt 0 ]; then
    step dgen-c "$bench" --backend c --workloads voice "${quick[@]}"
  else
    step dgen-c "$bench" --backend c --workloads voice --voice-lanes 16 --scale-to 256 --reps 3
  fi
fi
"$py" "$here/summarize.py" "$results" "$steps"

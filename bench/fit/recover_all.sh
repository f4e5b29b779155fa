#!/usr/bin/env bash
# The hidden-param recovery benchmark (docs/TRAINING.md, "Recovering hidden params") over
# every example patch, 10 points each, all cores busy, a short table printed last.
#
# Usage: bench/fit/recover_all.sh BUILD_DIR [--points N] [--seconds S] [--stop-after S]
#                                 [patch.lisp ...]
#
# Builds only the dgen program (Release, when BUILD_DIR is not configured yet; nothing
# is downloaded). Resumable: every point's result goes to BUILD_DIR/recover.json (or
# $RECOVER_JSON) as it completes and is not run again, so under a per-call time limit
# run it again until the table shows no "not run yet". It starts no new point after
# --stop-after seconds (default 240) so that the points running finish within a
# 10-minute call.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '5,6p' "$0"; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
shift
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDGEN_BUILD_TESTS=OFF \
    -DDGEN_BUILD_BENCH=OFF -DDGEN_BUILD_EXAMPLES=OFF -DDGEN_BUILD_PYTHON=OFF \
    -DDGEN_BUILD_GPU_BENCH=OFF >/dev/null
fi
cmake --build "$build" --target dgen -j "$(nproc)" >/dev/null
cd "$root"  # the patches name examples/ and data/ relative to the repository
exec python3 bench/fit/recover.py "$build/dgen" --jobs "$(nproc)" \
  --json "${RECOVER_JSON:-$build/recover.json}" --stop-after 240 "$@"

#!/usr/bin/env bash
# The command line on the cuda backend (docs/CLI.md), for scripts/gpu-check.sh: every
# example patch rendered, differentiated and trained with `--backend cuda`, each render
# and gradient compared with the c backend's, the patches side by side (one job per core:
# each waits mostly on its C compiles). Prints one line per patch and a last line
# "cli: N of M patches agree".
#
# Usage: scripts/gpu-cli-check.sh DGEN WORKDIR   (DGEN: the dgen program)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dgen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")  # absolute: it runs in examples/
work=$(mkdir -p "$2" && cd "$2" && pwd)
py=${PYTHON:-python3}
frames=24000
# Largest difference of two raw float32 files relative to the first one's peak.
compare_f32='import sys, numpy as np
a, b = (np.fromfile(p, dtype="<f4") for p in sys.argv[1:3])
if a.shape != b.shape or not np.isfinite(b).all(): print("inf"); sys.exit()
print(float(np.max(np.abs(a - b)) / max(1e-9, float(np.max(np.abs(a))))))'
# Largest relative difference of the numbers two `dgen grad` printouts hold, in order, each
# relative to the larger of the two or 1e-4 of the printout's largest number, whichever is
# larger: a gradient that cancels to almost nothing (fm.lisp's `rate`, 2e-7 beside
# `ratio`'s -827) differs by its float sums' rounding, which is no error of the backend.
compare_grad='import re, sys
num = lambda p: [float(x) for x in re.findall(r"[-+]?\d+\.?\d*(?:[eE][-+]?\d+)?", open(p).read())]
a, b = num(sys.argv[1]), num(sys.argv[2])
if len(a) != len(b) or not a: print("inf"); sys.exit()
floor = max(1e-6, 1e-4 * max(abs(x) for x in a))
print(max(abs(x - y) / max(floor, abs(x), abs(y)) for x, y in zip(a, b)))'
# run ARGS...: dgen in examples/ (patches find their data there), its output in $name's log.
run() { (cd "$root/examples" && "$dgen" "$@") >>"$work/$name.log" 2>&1; }
# check PATCH: prints the patch's line.
check() {
  local patch=$1 name status render_err grad_err target inputs
  name=$(basename "$patch" .lisp)
  inputs=()
  grep -q "(in 1" "$patch" && inputs=(--in "1=$root/data/909kick.wav")
  status=ok
  run render "$patch" --backend c --frames $frames --format f32 -o "$work/$name.c.f32" "${inputs[@]}" &&
    run render "$patch" --backend cuda --frames $frames --format f32 -o "$work/$name.cuda.f32" "${inputs[@]}" ||
    status="render failed"
  render_err=$([ "$status" = ok ] && $py -c "$compare_f32" "$work/$name.c.f32" "$work/$name.cuda.f32" || echo inf)
  # The target: a recording (a patch's own render would make every gradient ~0).
  target=$root/data/909kick.wav
  if [ "$status" = ok ]; then
    (cd "$root/examples" && "$dgen" grad "$patch" --target "$target" --backend c "${inputs[@]}") >"$work/$name.grad.c" 2>>"$work/$name.log" &&
      (cd "$root/examples" && "$dgen" grad "$patch" --target "$target" --backend cuda "${inputs[@]}") >"$work/$name.grad.cuda" 2>>"$work/$name.log" ||
      status="grad failed"
  fi
  grad_err=$([ "$status" = ok ] && $py -c "$compare_grad" "$work/$name.grad.c" "$work/$name.grad.cuda" || echo inf)
  if [ "$status" = ok ]; then
    run train "$patch" --target "$target" --backend cuda --epochs 3 --search none --job-dir "$work/$name.job" "${inputs[@]}" ||
      status="train failed"
  fi
  # A gradient past 1% of C's is judged against the reference interpreter (doubles): float32
  # rounding moves a sensitive gradient (train_kick's sweep-time) by a per cent or two on
  # either backend, so CUDA passes where it is no farther from the interpreter than C is.
  local against_interp="" grad_ok
  grad_ok=$($py -c "print(int(float('$grad_err') < 1e-2))")
  if [ "$status" = ok ] && [ "$grad_ok" = 0 ]; then
    (cd "$root/examples" && "$dgen" grad "$patch" --target "$target" --backend interp "${inputs[@]}") >"$work/$name.grad.interp" 2>>"$work/$name.log" ||
      status="grad failed"
    if [ "$status" = ok ]; then
      local c_err cuda_err
      c_err=$($py -c "$compare_grad" "$work/$name.grad.interp" "$work/$name.grad.c")
      cuda_err=$($py -c "$compare_grad" "$work/$name.grad.interp" "$work/$name.grad.cuda")
      against_interp=", from the interpreter's: cuda $cuda_err, c $c_err"
      grad_ok=$($py -c "print(int(float('$cuda_err') <= max(1e-2, float('$c_err'))))")
    fi
  fi
  if [ "$status" = ok ] && ! { [ "$grad_ok" = 1 ] && $py -c "import sys; sys.exit(not float('$render_err') < 1e-3)"; }; then
    status="differs"
  fi
  echo "cli: $name: $status (render rel. error $render_err, gradient rel. error $grad_err$against_interp)"
}
patches=("$root"/examples/*.lisp)
for patch in "${patches[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n; done
  check "$patch" >"$work/$(basename "$patch" .lisp).line" &
done
wait
ok=0
for patch in "${patches[@]}"; do
  line=$(cat "$work/$(basename "$patch" .lisp).line")
  echo "$line"
  case "$line" in *": ok ("*) ok=$((ok + 1)) ;; esac
done
echo "cli: $ok of ${#patches[@]} patches agree"
[ "$ok" -eq "${#patches[@]}" ]

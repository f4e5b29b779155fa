#!/usr/bin/env bash
# The main job: `dgen train` fits the kick voice of examples/train_kick.lisp (a
# pitch-swept sine and a burst of filtered noise, eight bounded params) to a recorded
# TR-909-style kick, data/909kick.wav, then says how much closer it got and where the
# report is. Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
job="$build/demo/kick-job"
events="$build/demo/events.ndjson"
mkdir -p "$build/demo"

echo "Training examples/train_kick.lisp against data/909kick.wav (a recorded 909 kick)..."
"$build/dgen" train "$root/examples/train_kick.lisp" --target "$root/data/909kick.wav" \
  --job-dir "$job" --epochs 12 --lanes 2 --lr 0.05 > "$events"

# result.json is indented, one field per line: pick fields without a JSON tool.
field() { sed -n "s/^  \"$1\": \(.*\),\$/\1/p" "$job/result.json"; }
echo
echo "loss (mrstft): $(field initial_loss) at the seed -> $(field final_loss) after training"
printf 'improvement: %.1f%%   (%.1f s, best of %s lanes)\n' "$(field improvement_percent)" \
  "$(field seconds)" "$(field lanes)"
echo "fitted params: $(cat "$job/params.json")"
echo "events:        $events"
echo "report:        $job/report.html"

#!/usr/bin/env bash
# The main job: `dgen train` fits the kick voice of examples/train_kick.lisp (a
# pitch-swept sine and a burst of filtered noise, eight bounded params) to a recorded
# TR-909-style kick, data/909kick.wav, then says how much closer it got and where the
# report is. A few seconds on two cores. Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
job="$build/demo/kick-job"
events="$build/demo/events.ndjson"
mkdir -p "$build/demo"

echo "What the target holds (dgen analyze):"
"$build/dgen" analyze "$root/data/909kick.wav"
echo

# One 4096-point spectrum (10.8 Hz bins) resolves the kick's ~50 Hz fundamental, which
# the short windows of the default multi-resolution loss blur; it is also quicker to
# differentiate than all six sizes of that loss.
echo "Training examples/train_kick.lisp against data/909kick.wav (a recorded 909 kick)..."
"$build/dgen" train "$root/examples/train_kick.lisp" --target "$root/data/909kick.wav" \
  --job-dir "$job" --loss spectral:4096 --epochs 300 > "$events"

# On a terminal dgen drew a progress bar and its own summary on stderr; elsewhere (a log)
# pick the summary out of result.json, which is indented one field per line.
if [ ! -t 2 ]; then
  field() { sed -n "s/^  \"$1\": \(.*\),\$/\1/p" "$job/result.json"; }
  echo "loss (spectral:4096): $(field initial_loss) at the seed -> $(field final_loss) trained"
  printf 'improvement: %.1f%% in %.0f s\n' "$(field improvement_percent)" "$(field seconds)"
  echo "fitted patch:  $job/fitted.lisp"
  echo "listen:        $job/ab.wav (the target, then the fit)"
  echo "report:        $job/report.html"
fi
echo "params.json:   $(cat "$job/params.json")"
echo "events:        $events"

#!/usr/bin/env bash
# The main job on an embedded example. Until training lands this renders an example
# program to a WAV and says where it went.
set -euo pipefail
build=${1:-build}
out="$build/demo"
mkdir -p "$out"
"$build/examples/example_quickstart"

#!/usr/bin/env bash
# The one-pass cooperative scan of coop_scan.cu (docs/PERFORMANCE.md, "CUDA: a one-pass
# scan in a CTA, measured as a hand-written kernel"), compiled with nvcc and timed in
# five variants (frames a chunk, warps a CTA, precise or fast math). Needs a GPU.
cd "$(dirname "$0")"
for v in "16 8" "16 8 fast" "8 16" "32 4" "16 4"; do
  set -- $v
  flags="-O3 -arch=sm_90 -std=c++17 -DCH=$1 -DW=$2"
  [ "${3:-}" = fast ] && flags="$flags --use_fast_math"
  nvcc $flags coop_scan.cu -o /tmp/coop_$1_$2_${3:-p} 2>&1 | grep -v "^$" | head -3
  echo -n "[${3:-precise}] "; timeout 60 /tmp/coop_$1_$2_${3:-p}
done

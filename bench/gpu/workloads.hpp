// dgen's side of the GPU side-by-side workloads (docs/PERFORMANCE.md, "GPU (H200) side by
// side"), defined as bench/gpu/common.py defines them for the peers.
#pragma once
#include <cstdint>
#include <string>

#include "dgen/dgen.hpp"

namespace dgen_gpu_bench {

struct Settings {
  dgen::Backend backend = dgen::Backend::Cuda;
  std::string backend_name = "cuda";
  std::string patch_path;  // examples/subtractive.lisp
  int warmup = 2, reps = 5;
  bool fast_math = false;  // RenderOptions::fast_math (--fast-math)
};

// A lowpass biquad whose cutoff is modulated every sample (lane l: its base cutoff times
// 1 + 0.5 sin(2π·3 Hz·t)), on white noise from the host: forward, and forward + backward
// of the squared error against a 220 Hz tone with respect to the input, cutoff and q. On
// the GPU also the forward with its output left in GPU memory (mode fwd_on_device).
void tv_biquad(const Settings& s, int lanes, int64_t frames);

// The mrstft loss (sizes 2048 … 64, hop n/4) of a host signal scaled by a per-lane gain
// against a target, forward + backward (gradient to the input and the gain).
void mrstft(const Settings& s, int lanes, int64_t frames);

// A training step (forward + backward of the mrstft loss against a target the voice
// rendered with cutoff 400 Hz) of examples/subtractive.lisp, every trainable param one
// value per lane. `scale_to` > lanes reports the time scaled to that many lanes too (for
// one CPU core, whose time per lane is flat in the lane count: docs/PERFORMANCE.md).
void voice_step(const Settings& s, int lanes, int64_t frames, int scale_to);

// Writes what bench/gpu/check_peers.py compares the peers with, rendered by Backend::C in
// one lane at 48 kHz: the voice at its defaults and its target (voice.f32, target.f32), the
// time-varying biquad's input and output (biquad_x.f32, biquad_y.f32), and prints the
// voice's mrstft loss against its target as a JSON line.
void dump_references(const Settings& s, const std::string& dir, int64_t frames);

}  // namespace dgen_gpu_bench

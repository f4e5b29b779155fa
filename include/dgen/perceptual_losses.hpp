// Perceptual losses beside those of ops.hpp (SPEC §2.5): the log-mel spectral distance and
// the loudness envelope (docs/TRAINING.md "Losses"). Like the spectral losses they are
// graphs of primitives, so they have gradients everywhere the primitives do.
#pragma once
#include <cstdint>

#include "dgen/ops.hpp"

namespace dgen {

// Σ over bands |log Mₐ − log M_b| of the mel energies M = W (|X|² + ε²) of Hann-windowed
// spectra of size n every hop frames: W holds `bands` triangular bands (HTK mel scale)
// from fmin to fmax (0: sample_rate / 2), ε² as in SpectralOptions; summed over windows,
// or (frames > 0) the mean over the windows of a run of that many frames and the bands.
struct LogMelOptions {
  int64_t n = 2048;
  int64_t hop = 0;  // 0 = n / 4
  int64_t bands = 64;
  double sample_rate = 44100, fmin = 0, fmax = 0, eps = 1e-3;
  int64_t frames = 0;
};
Value logmel_loss(const Value& a, const Value& b, LogMelOptions options = {});
// The loudness envelope: Σ over windows |Lₐ − L_b| of the levels L = 10 log10(E + ε²ℓ) dB
// of the energies E of Hann-windowed blocks of n frames every hop frames, where ℓ is the
// mean energy of the pairs of windows so far (so silence sits eps below the level);
// with frames > 0 the mean over the windows of a run of that many frames.
struct LoudnessOptions {
  int64_t n = 2048;
  int64_t hop = 0;  // 0 = n / 4
  double eps = 1e-3;
  int64_t frames = 0;
};
Value loudness_loss(const Value& a, const Value& b, LoudnessOptions options = {});

}  // namespace dgen

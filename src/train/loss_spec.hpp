// The losses `dgen grad` and `dgen train` compare a patch with a target by (SPEC §2.5,
// §7, docs/TRAINING.md "Losses"): a weighted sum of terms, each mse | l1 |
// mrstft[:PRESET] | spectral:N[:HOP] | logmel[:N[:HOP]] | loudness[:N[:HOP]], e.g.
// `mrstft+0.1*loudness`.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dgen/program.hpp"
#include "dgen/value.hpp"
#include "train/target_analysis.hpp"

namespace dgen::train {

struct LossTerm {
  enum class Kind { Mse, L1, Mrstft, Spectral, LogMel, Loudness };
  Kind kind = Kind::Mrstft;
  double weight = 1;
  // spectral: the window and hop (hop 0 = n / 4); logmel and loudness: n 0 = the size
  // for the sample rate (default_window_size).
  int64_t n = 0, hop = 0;
  std::string preset;        // mrstft: "" (the default sizes), "low" or "short"
  std::string name() const;  // as written on the command line, with its weight
};

struct LossSpec {
  std::vector<LossTerm> terms{LossTerm{}};
  // The run's rate: it sets the window sizes of mrstft presets, logmel and loudness, so a
  // window lasts as long at 96 kHz as at 44.1 kHz.
  double sample_rate = 44100;
  std::string name() const;  // as written on the command line
};

// Throws dgen::Error naming the accepted forms.
LossSpec parse_loss_spec(const std::string& text);

// The loss when none is given (docs/TRAINING.md "Losses"): mrstft, or mrstft:low when the
// target is pitched (voiced in at least half its analysis frames) with a fundamental so low
// that mrstft's longest window holds fewer than 4 of its periods (below 86 Hz at 44.1 kHz),
// and long enough for mrstft:low's longest window (8192 frames at 44.1 kHz):
// there most of mrstft's windows are shorter than a period, and a fit can settle on a
// sweep's phase half a cycle off. `why` says why, for a person, when mrstft:low is chosen
// (empty otherwise).
struct DefaultLoss {
  LossSpec spec;
  std::string why;
};
DefaultLoss default_loss(const TargetAnalysis& target);

// The mrstft sizes of a preset ("", "low", "short") at a sample rate: the powers of two
// nearest to the preset's window lengths at 44.1 kHz (2048 … 64, 8192 … 256, 1024 … 32)
// scaled by sample_rate / 44100.
std::vector<int64_t> mrstft_sizes(const std::string& preset, double sample_rate);

// The window of logmel and loudness when none is given: 2048 frames at 44.1 kHz (46 ms),
// scaled like mrstft_sizes.
int64_t default_window_size(double sample_rate);

// Checks that the loss compares something in a target of `frames` frames (at the spec's
// sample rate): throws
// dgen::Error naming the target's length and the window when a windowed term has no full
// window in it (its loss would be 0). mrstft leaves out the sizes with no full window
// (mrstft_loss); the returned warning names them (empty when none is left out).
std::string check_loss_fits(const LossSpec& spec, int64_t frames);

// The loss signal between `output` and `target` over a run of `frames` frames; its sum
// over frames is the loss. mse and l1 are summed, not averaged (SPEC §2.5); mrstft, logmel
// and loudness are means over windows (and bins or bands); spectral:N a sum over windows.
Value build_loss(const LossSpec& spec, const Value& output, const Value& target, int64_t frames);

// A loss against recorded audio. The target travels as one more host input, on a channel
// past every one the output reads or `inputs` feeds (so it can never leak into the
// patch): `loss` runs with `inputs`, which are the given ones plus the target.
struct TargetLoss {
  Value loss;
  std::vector<InputChannel> inputs;
};
TargetLoss loss_against_target(const LossSpec& spec, const Value& output,
                               std::span<const float> target, std::vector<InputChannel> inputs);

}  // namespace dgen::train

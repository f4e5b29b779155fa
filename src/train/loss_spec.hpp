// The losses `dgen grad` and `dgen train` compare a patch with a target by (SPEC §2.5,
// §7): mse | l1 | mrstft | spectral:N[:HOP].
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dgen/program.hpp"
#include "dgen/value.hpp"

namespace dgen::train {

struct LossSpec {
  enum class Kind { Mse, L1, Mrstft, Spectral };
  Kind kind = Kind::Mrstft;
  int64_t n = 0, hop = 0;    // spectral only; hop 0 = n / 4
  std::string name() const;  // as written on the command line
};

// Throws dgen::Error naming the accepted forms.
LossSpec parse_loss_spec(const std::string& text);

// Checks that the loss compares something in a target of `frames` frames: throws
// dgen::Error naming the target's length and the window when a spectral loss has no full
// window in it (its loss would be 0). mrstft leaves out the sizes with no full window
// (mrstft_loss); the returned warning names them (empty when none is left out).
std::string check_loss_fits(const LossSpec& spec, int64_t frames, double sample_rate);

// The loss signal between `output` and `target` over a run of `frames` frames; its sum
// over frames is the loss. mse and l1 are summed, not averaged (SPEC §2.5); mrstft is a
// mean over each size's windows and bins; spectral:N a sum over windows.
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

// Default settings recover hidden params (docs/TRAINING.md, "Recovering hidden params"):
// an example patch renders a target with hidden values within ±20 % of each trained
// param's range (unit coordinate) around its defaults, then `train` with nothing but the
// target — default loss, optimizer, step sizes and epochs — must land within 5 % of the
// range of every hidden value the loss sees. An unseen param (its 5 % move raises the
// loss by less than 1 % of the most sensitive param's rise) is only reported, and so are
// the params that missed when the found values raise the loss by less than that 1 %:
// they traded off along a ridge of equal sound. One point per patch and short renders
// (0.1 to 0.25 s) keep this fast; bench/fit/recover.py runs the full 10-point benchmark.
// A processor gets an input on channel 1 (a file of data/). A patch too slow for the
// suite is instantiated DISABLED_ below, with its time measured.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

#include "dgen/dgen.hpp"
#include "io/audio_file.hpp"
#include "lisp/patch.hpp"
#include "train/coords.hpp"
#include "train/loss_spec.hpp"
#include "train/trainer.hpp"

namespace dgen::train {
namespace {

struct RecoveryCase {
  const char* patch;
  int64_t frames;
  const char* input = nullptr;  // in data/, played on channel 1
};

std::ostream& operator<<(std::ostream& out, const RecoveryCase& c) { return out << c.patch; }

class Recovery : public ::testing::TestWithParam<RecoveryCase> {};

// How much the default loss rises above its value at the hidden values when each param
// moves 5 % of its range away from them (unit coordinates; the larger rise of the two
// directions inside the range), and when all move to the found values. One run of
// 2n + 2 lanes: lane 0 at the hidden values, then each param down and up, then the found
// values.
struct LossRises {
  std::vector<double> per_param;
  double found;
};

LossRises loss_rises(const Value& output, const std::vector<float>& target,
                     const std::vector<Param>& params, const std::vector<double>& hidden,
                     const std::vector<double>& found, const std::vector<InputChannel>& inputs) {
  const TargetLoss loss = loss_against_target(LossSpec{}, output, target, inputs);
  const size_t n = params.size(), lanes = 2 * n + 2;
  for (size_t k = 0; k < n; ++k) {
    const ParamData& d = *params[k].data();
    const UnitCoordinate u = UnitCoordinate::for_range(*d.min, *d.max);
    std::vector<float> values(lanes, float(u.from_unit(hidden[k])));
    values[1 + 2 * k] = float(u.from_unit(std::max(0.0, hidden[k] - 0.05)));
    values[2 + 2 * k] = float(u.from_unit(std::min(1.0, hidden[k] + 0.05)));
    values[lanes - 1] = float(u.from_unit(found[k]));
    Param p = params[k];
    p.set_per_lane(values);
  }
  RenderOptions render;
  render.backend = Backend::C;
  render.lanes = int(lanes);
  // The output too, as the search renders it: a program whose outputs read an out() node
  // without rendering it generates C that indexes out[-1] (reported, not fixed here).
  Program program({loss.loss, output}, render);
  program.run(int64_t(target.size()), loss.inputs);
  std::vector<double> sums(lanes, 0.0);
  const std::span<const float> signal = program.output(0);
  for (size_t i = 0; i < signal.size(); ++i) sums[i % lanes] += signal[i];
  LossRises rises{{}, sums[lanes - 1] - sums[0]};
  for (size_t k = 0; k < n; ++k)
    rises.per_param.push_back(std::max(sums[1 + 2 * k], sums[2 + 2 * k]) - sums[0]);
  return rises;
}

TEST_P(Recovery, DefaultsRecoverHiddenValuesWithinFivePercent) {
  const RecoveryCase& c = GetParam();
  lisp::Patch patch = lisp::load_patch_file(std::string(DGEN_SOURCE_DIR) + "/examples/" + c.patch);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> offset(-0.2, 0.2);
  std::vector<Param> trained;
  std::vector<double> hidden;  // unit coordinates
  for (lisp::ParamInfo& info : patch.params) {
    const ParamData& d = *info.param.data();
    if (!d.min || !d.max || !d.trainable) continue;  // as `dgen train` chooses
    const UnitCoordinate u = UnitCoordinate::for_range(*d.min, *d.max);
    hidden.push_back(std::clamp(u.to_unit(info.default_value) + offset(rng), 0.0, 1.0));
    info.param.set(float(u.from_unit(hidden.back())));
    trained.push_back(info.param);
  }
  std::vector<float> input;
  std::vector<InputChannel> inputs;
  if (c.input) {
    input = io::read_mono(std::string(DGEN_SOURCE_DIR) + "/data/" + c.input).samples;
    inputs.push_back({1, input});
  }
  RenderOptions render;
  render.backend = Backend::C;
  Program program({patch.outputs.at(0)}, render);
  program.run(c.frames, inputs);
  const std::vector<float> target(program.output(0).begin(), program.output(0).end());

  for (lisp::ParamInfo& info : patch.params) info.param.set(info.default_value);
  TrainConfig config;  // the defaults of `dgen train`
  config.render.backend = Backend::C;
  train({patch.outputs.at(0), target, inputs, LossSpec{}, trained}, config);
  std::vector<double> found;  // unit coordinates
  for (const Param& p : trained)
    found.push_back(UnitCoordinate::for_range(*p.data()->min, *p.data()->max).to_unit(p.value()));

  const LossRises rises = loss_rises(patch.outputs.at(0), target, trained, hidden, found, inputs);
  const double most = *std::max_element(rises.per_param.begin(), rises.per_param.end());
  ASSERT_GT(most, 0);  // the loss sees some param
  // Found values the loss cannot tell from the hidden ones: the params that missed moved
  // together along a ridge of equal sound, not identifiable at this point.
  const bool same_sound = rises.found < 0.01 * most;
  std::cout << "loss at the found values: " << rises.found / most
            << " of the most sensitive param's rise above the hidden values'\n";
  for (size_t k = 0; k < trained.size(); ++k) {
    const ParamData& d = *trained[k].data();
    const UnitCoordinate u = UnitCoordinate::for_range(*d.min, *d.max);
    const double error = std::fabs(found[k] - hidden[k]);
    if (rises.per_param[k] < 0.01 * most) {
      std::cout << d.name << ": unseen (a 5 % move raises the loss by " << rises.per_param[k] / most
                << " of the most sensitive param's rise)\n";
      continue;
    }
    if (same_sound && error > 0.05) {
      std::cout << d.name << ": traded off (" << error << " of its range off)\n";
      continue;
    }
    EXPECT_LE(error, 0.05) << d.name << ": fitted " << u.from_unit(found[k]) << ", hidden "
                           << u.from_unit(hidden[k]);
  }
}

// 0.2 s renders; subtractive.lisp needs 0.25 s for its filter's release to be heard (the
// gate opens for 0.14 s), membrane.lisp's 16 x 16 grid per sample makes 0.1 s enough.
// looper.lisp needs 1.1 s: its loop is 0.5 s long, and the feedback is heard from the
// third pass on (the first records the kick, the second plays it and writes it back
// scaled by feedback).
INSTANTIATE_TEST_SUITE_P(
    ExamplePatches, Recovery,
    ::testing::Values(RecoveryCase{"additive.lisp", 8820},
                      RecoveryCase{"allpass-reverb.lisp", 8820}, RecoveryCase{"fm.lisp", 8820},
                      RecoveryCase{"karplus.lisp", 8820}, RecoveryCase{"kick909.lisp", 8820},
                      RecoveryCase{"membrane.lisp", 4410}, RecoveryCase{"pitch-shift.lisp", 8820},
                      RecoveryCase{"sine.lisp", 8820}, RecoveryCase{"spectral.lisp", 8820},
                      RecoveryCase{"subtractive.lisp", 11025},
                      RecoveryCase{"train_kick.lisp", 8820}, RecoveryCase{"wavetable.lisp", 8820},
                      RecoveryCase{"looper.lisp", 48510, "909kick.wav"}));

// Recovered, but too slow for the suite (315 s of wall time on 2026-12-03; the suite
// takes a patch in under 2 min), so run with --gtest_also_run_disabled_tests:
// feedback-delay, on a 1 s render (its delay, up to 0.67 s, must fit in it for feedback,
// tone and the wobble to reach the output). Before the search's race (docs/TRAINING.md,
// "Global search") its wobble-rate landed at 2.4 Hz for 0.56 Hz: the loss there was 0.038
// of the most sensitive param's rise above the hidden values', a worse minimum the search
// ended in.
INSTANTIATE_TEST_SUITE_P(DISABLED_Slow, Recovery,
                         ::testing::Values(RecoveryCase{"feedback-delay.lisp", 44100}));

}  // namespace
}  // namespace dgen::train

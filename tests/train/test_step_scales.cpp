// The gradient stage's step per param (docs/TRAINING.md, "Step sizes per param"): each
// unit coordinate steps by the schedule's rate times the search's spread along it over the
// widest, so a stiff pitch and a soft decay both descend.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "dgen/dgen.hpp"
#include "train/schedule.hpp"
#include "train/trainer.hpp"

namespace dgen::train {
namespace {

constexpr double kSr = 44100;

TEST(StepScales, AreTheSpreadOverTheWidestWithAFloor) {
  const std::vector<double> s = step_scales({0.02, 0.005, 1e-9}, 3);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  EXPECT_DOUBLE_EQ(s[1], 0.25);
  EXPECT_DOUBLE_EQ(s[2], kMinStepScale);
  // Without a spread for every param (no search, or no CMA-ES run found the best point):
  // every coordinate steps alike.
  EXPECT_EQ(step_scales({}, 2), std::vector<double>(2, 1.0));
  EXPECT_EQ(step_scales({0.0, 0.0}, 2), std::vector<double>(2, 1.0));
}

// A decaying sine, exp(−t/decay)·sin(2π·freq·t), fitted to 440 Hz and 0.7 s from 400 Hz
// and 0.2 s over 0.37 s. In unit coordinates the pitch is far stiffer than the decay: the
// loss rises steeply as a partial leaves its bins, and slowly as an envelope's time
// constant changes. The search's box (±0.1 of each range) holds the pitch and stops short
// of the decay (0.51 of its range away), as subtractive.lisp's search ran out of budget
// short of its soft params' floor: the gradient stage must carry the decay the rest of the
// way while it keeps the pitch.
struct DecayingSine {
  Param freq{"freq", 400.0f, {.min = 20.0f, .max = 1900.0f}};  // linear coordinates
  Param decay{"decay", 0.2f, {.min = 0.011f, .max = 1.0f}};
  std::vector<float> target;
  DecayingSine() {
    for (int64_t t = 0; t < 16384; ++t) {
      const double s = double(t) / kSr;
      target.push_back(float(std::exp(-s / 0.7) * std::sin(2 * std::numbers::pi * 440 * s)));
    }
  }
  TrainProblem problem() {
    const Value seconds = accum(1.0 / kSr, 0.0, 0.0, 10.0);
    return {exp(neg(seconds / decay)) * sin(2 * std::numbers::pi * phasor(freq)),
            target,
            {},
            parse_loss_spec("mrstft"),
            {freq, decay}};
  }
};

TrainConfig fixed_budget(bool per_param) {
  TrainConfig c;
  c.epochs = 60;
  c.render.backend = Backend::C;
  c.search.method = "cmaes";
  c.search.budget = 1024;
  c.search.radius = 0.1;
  c.steps_per_param = per_param;
  return c;
}

TEST(StepScales, LetAStiffPitchAndASoftDecayBothDescend) {
  // Equal steps: the pitch's steps raise the loss more than the decay's lower it, the
  // schedule halves the rate on the plateaus, and the decay stops short (0.56 s on
  // 2026-12-03, 0.14 of its range off).
  DecayingSine equal;
  const TrainResult r_equal = train(equal.problem(), fixed_budget(false));
  EXPECT_EQ(r_equal.step_scales, std::vector<double>(2, 1.0));
  EXPECT_GT(std::fabs(equal.decay.value() - 0.7), 0.05 * (1.0 - 0.011));
  // Steps from the search's spread: the decay steps at the full rate, the pitch at under
  // a tenth of it (0.007 on 2026-12-03); both land within 1 % of their ranges.
  DecayingSine scaled;
  const TrainResult r_scaled = train(scaled.problem(), fixed_budget(true));
  ASSERT_EQ(r_scaled.step_scales.size(), 2u);
  EXPECT_LT(r_scaled.step_scales[0], 0.1);
  EXPECT_EQ(r_scaled.step_scales[1], 1.0);
  EXPECT_NEAR(scaled.freq.value(), 440, 0.01 * (1900 - 20));
  EXPECT_NEAR(scaled.decay.value(), 0.7, 0.01 * (1.0 - 0.011));
  EXPECT_LT(r_scaled.final_loss, 0.1 * r_equal.final_loss);
}

}  // namespace
}  // namespace dgen::train

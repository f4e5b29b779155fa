// SPEC §2.2 compressor: feed-forward, level in dB, soft-knee gain computer, one-pole
// attack/release smoothing of the gain in dB. Levels and gains are checked in closed form.
#include <cmath>

#include "support.hpp"

namespace dgen {
namespace {

double db(double x) { return 20 * std::log10(x); }
double undb(double g) { return std::pow(10.0, g / 20); }

std::vector<float> compress(const std::vector<float>& x, double ratio, double threshold,
                            double knee, double attack, double release) {
  const Value y = compressor(in(1), ratio, threshold, knee, attack, release);
  return test::render({y}, int64_t(x.size()), Backend::Interp, 1, 44100, {{1, x}})[0];
}

TEST(Compressor, BelowThresholdIsUnityGain) {
  std::vector<float> x(2000);
  for (size_t t = 0; t < x.size(); ++t)
    x[t] = float(0.01 * std::sin(0.05 * double(t)));  // <= -40 dB
  const auto y = compress(x, 4, -20, 6, 0.001, 0.05);
  for (size_t t = 0; t < x.size(); ++t) ASSERT_NEAR(y[t], x[t], 1e-9) << t;
}

// A static level far above the threshold settles at threshold + (level - threshold) / ratio.
TEST(Compressor, SteadyStateGainFollowsTheRatio) {
  struct Case {
    double level_db, threshold_db, ratio;
  };
  for (const Case c : {Case{0, -30, 4}, Case{-6, -30, 2}, Case{-10, -40, 8}}) {
    SCOPED_TRACE("level " + std::to_string(c.level_db) + " dB, ratio " + std::to_string(c.ratio));
    const double x = undb(c.level_db);
    const auto y = test::render1(compressor(x, c.ratio, c.threshold_db, 6.0, 0.001, 0.05), 3000);
    const double want = c.threshold_db + (c.level_db - c.threshold_db) / c.ratio;
    EXPECT_NEAR(db(y.back()), want, 1e-4);
  }
}

// With near-instant smoothing the output level traces the static curve: unity below the
// knee, the ratio above it, and a quadratic in between that meets both without a jump.
TEST(Compressor, SoftKneeIsContinuous) {
  const double threshold = -20, knee = 10, ratio = 4, slope = 1 / ratio - 1;
  std::vector<float> x;
  std::vector<double> level;
  for (double l = -40; l <= 0; l += 0.01) {
    level.push_back(double(float(undb(l))));
    x.push_back(float(undb(l)));
  }
  const auto y = compress(x, ratio, threshold, knee, 1e-7, 1e-7);
  double previous = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    const double over = db(level[t]) - threshold, gain = db(double(y[t]) / double(x[t]));
    double want = over <= -knee / 2  ? 0
                  : over >= knee / 2 ? slope * over
                                     : slope * std::pow(over + knee / 2, 2) / (2 * knee);
    ASSERT_NEAR(gain, want, 1e-4) << "input level " << db(level[t]) << " dB";
    // The soft knee compresses at least as much as both of its asymptotes.
    ASSERT_LE(gain, std::min(0.0, slope * over) + 1e-4);
    if (t > 0) {
      ASSERT_LE(std::fabs(gain - previous), 0.01) << "jump at " << db(level[t]) << " dB";
      ASSERT_LE(gain, previous + 1e-4) << "gain reduction must grow with the level";
    }
    previous = gain;
  }
}

// The gain in dB moves toward its target by a one-pole filter: exp(-1 / (attack sr)) while
// the reduction grows, exp(-1 / (release sr)) while it shrinks.
TEST(Compressor, AttackAndReleaseAreOnePoleInDb) {
  const double sr = 44100, attack = 0.002, release = 0.01, threshold = -30, ratio = 4;
  std::vector<float> x(1500, 0.001f);               // -60 dB: no reduction
  for (size_t t = 100; t < 1100; ++t) x[t] = 1.0f;  // 0 dB: target -22.5 dB
  const auto y = compress(x, ratio, threshold, 0, attack, release);
  const double target = (threshold - 0) * (1 - 1 / ratio);
  const double aa = std::exp(-1 / (attack * sr)), ar = std::exp(-1 / (release * sr));
  for (size_t t = 0; t < 100; ++t) ASSERT_NEAR(y[t], x[t], 1e-9);
  const double g_end = target * (1 - std::pow(aa, 1000));
  for (size_t t = 100; t < 1100; ++t) {
    const double g = target * (1 - std::pow(aa, double(t - 100 + 1)));
    ASSERT_NEAR(db(y[t]), g, 1e-3) << t;
  }
  for (size_t t = 1100; t < 1500; ++t) {
    const double g = g_end * std::pow(ar, double(t - 1100 + 1));
    ASSERT_NEAR(db(y[t] / x[t]), g, 1e-3) << t;
  }
}

TEST(Compressor, SidechainSetsTheLevel) {
  const Value y = compressor(0.01, 4.0, -30.0, 0.0, 0.001, 0.05, Value(1.0));
  const auto out = test::render1(y, 3000);
  EXPECT_NEAR(db(out.back()), db(0.01) - 22.5, 1e-4);
}

}  // namespace
}  // namespace dgen

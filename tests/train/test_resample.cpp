// Resampling a target: a sine keeps its frequency and level; content above the new
// Nyquist is removed rather than folded back.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "train/resample.hpp"

namespace dgen::train {
namespace {

std::vector<float> sine(double hz, double sr, size_t n) {
  std::vector<float> x(n);
  for (size_t t = 0; t < n; ++t) x[t] = float(std::sin(2 * std::numbers::pi * hz * double(t) / sr));
  return x;
}

TEST(Resample, SameRateIsTheIdentity) {
  const std::vector<float> x{0.5f, -1.0f, 0.25f};
  EXPECT_EQ(resample(x, 48000, 48000), x);
}

TEST(Resample, UpsampledSineMatchesTheSineAtTheNewRate) {
  const std::vector<float> y = resample(sine(1000, 32500, 32500), 32500, 44100);
  ASSERT_EQ(y.size(), 44100u);
  const std::vector<float> want = sine(1000, 44100, 44100);
  for (size_t t = 200; t + 200 < y.size(); ++t) ASSERT_NEAR(y[t], want[t], 2e-3) << "at " << t;
}

TEST(Resample, DownsamplingRemovesWhatWouldAlias) {
  // 15 kHz is above the Nyquist of 22.05 kHz; it would fold to 7.05 kHz.
  const std::vector<float> y = resample(sine(15000, 44100, 44100), 44100, 22050);
  ASSERT_EQ(y.size(), 22050u);
  double energy = 0;
  for (size_t t = 200; t + 200 < y.size(); ++t) energy += double(y[t]) * y[t];
  EXPECT_LT(std::sqrt(energy / double(y.size() - 400)), 1e-2);
}

}  // namespace
}  // namespace dgen::train

// The report's spectrograms: a sine lands in its row at full scale, silence at the floor.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "train/spectrogram.hpp"

namespace dgen::train {
namespace {

int row_of(const Spectrogram& s, double hz) {
  return int(s.rows * std::log(hz / s.min_hz) / std::log(s.max_hz / s.min_hz));
}

TEST(Spectrogram, FullScaleSineIsNearZeroDbInItsRowOnly) {
  const double sr = 44100;
  std::vector<float> x(44100);
  for (size_t t = 0; t < x.size(); ++t)
    x[t] = float(std::sin(2 * std::numbers::pi * 1000 * double(t) / sr));
  const Spectrogram s = spectrogram(x, sr, 160, 100);
  EXPECT_EQ(s.rows, 160);
  EXPECT_EQ(s.columns, 100);  // hop = ceil(44100 / 100) = 441
  EXPECT_NEAR(s.seconds, 100 * 441 / sr, 1e-12);
  const int c = 50;  // a column well inside the signal
  auto level = [&](int row) { return int(s.levels[size_t(c * s.rows + row)]); };
  // 0 dB maps to 255; the Hann window's scalloping costs at most 1.5 dB (≈ 4 levels).
  EXPECT_GE(level(row_of(s, 1000)), 250);
  EXPECT_LE(level(row_of(s, 1000)), 255);
  // Far from the sine the Hann side lobes are below −90 dB.
  EXPECT_LT(level(row_of(s, 100)), 30);
  EXPECT_LT(level(row_of(s, 10000)), 30);
}

TEST(Spectrogram, SilenceIsTheFloorAndShortSignalsGetOneColumn) {
  const std::vector<float> x(10, 0.0f);
  const Spectrogram s = spectrogram(x, 44100, 8);
  EXPECT_EQ(s.columns, 1);
  EXPECT_EQ(s.levels, std::vector<uint8_t>(8, 0));
}

}  // namespace
}  // namespace dgen::train

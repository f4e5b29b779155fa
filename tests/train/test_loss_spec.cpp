// `--loss` on the command line (docs/TRAINING.md "Losses"): terms, weighted sums, the
// sample-rate-aware sizes of the presets, and what a sum's value is.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "dgen/error.hpp"
#include "dgen/perceptual_losses.hpp"
#include "support.hpp"
#include "train/loss_spec.hpp"

namespace dgen::train {
namespace {

using Sizes = std::vector<int64_t>;

TEST(LossSpec, ParsesTermsAndWeightedSums) {
  EXPECT_EQ(parse_loss_spec("mrstft").name(), "mrstft");
  EXPECT_EQ(parse_loss_spec("spectral:4096").name(), "spectral:4096");
  EXPECT_EQ(parse_loss_spec("spectral:4096:7").name(), "spectral:4096:7");
  EXPECT_EQ(parse_loss_spec("logmel").name(), "logmel");
  EXPECT_EQ(parse_loss_spec("loudness:1024:256").name(), "loudness:1024:256");
  EXPECT_EQ(parse_loss_spec("mrstft:low").name(), "mrstft:low");
  const LossSpec sum = parse_loss_spec("mrstft+0.1*loudness+2.5e-1*logmel:512");
  ASSERT_EQ(sum.terms.size(), 3u);
  EXPECT_EQ(sum.terms[0].kind, LossTerm::Kind::Mrstft);
  EXPECT_EQ(sum.terms[1].weight, 0.1);
  EXPECT_EQ(sum.terms[1].kind, LossTerm::Kind::Loudness);
  EXPECT_EQ(sum.terms[2].weight, 0.25);
  EXPECT_EQ(sum.terms[2].n, 512);
  EXPECT_EQ(sum.name(), "mrstft+0.1*loudness+0.25*logmel:512");
  EXPECT_EQ(parse_loss_spec("1e+1*mse").terms.at(0).weight, 10.0);  // an exponent's sign
}

TEST(LossSpec, RefusesBadTermsWithTheAcceptedForms) {
  for (const char* bad : {"mrstft+", "+mse", "0*mse", "-1*mse", "x*mse", "mrstft:huge",
                          "logmel:1000", "spectral", "loudness:0", "mse*2", "mel"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_loss_spec(bad), Error);
  }
  try {
    parse_loss_spec("mel");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mrstft+0.1*loudness"), std::string::npos) << e.what();
  }
}

// The windows last as long at every rate: the powers of two nearest to the 44.1 kHz sizes
// scaled by the rate.
TEST(LossSpec, PresetSizesFollowTheSampleRate) {
  EXPECT_EQ(mrstft_sizes("", 44100), (Sizes{2048, 1024, 512, 256, 128, 64}));
  EXPECT_EQ(mrstft_sizes("", 48000), (Sizes{2048, 1024, 512, 256, 128, 64}));
  EXPECT_EQ(mrstft_sizes("", 96000), (Sizes{4096, 2048, 1024, 512, 256, 128}));
  EXPECT_EQ(mrstft_sizes("", 22050), (Sizes{1024, 512, 256, 128, 64, 32}));
  EXPECT_EQ(mrstft_sizes("low", 44100), (Sizes{8192, 4096, 2048, 1024, 512, 256}));
  EXPECT_EQ(mrstft_sizes("short", 44100), (Sizes{1024, 512, 256, 128, 64, 32}));
  EXPECT_EQ(default_window_size(44100), 2048);
  EXPECT_EQ(default_window_size(192000), 8192);
  EXPECT_EQ(default_window_size(8000), 512);
}

// A weighted sum's value is the weighted sum of its terms' values.
TEST(LossSpec, SumIsTheWeightedSumOfItsTerms) {
  const int64_t frames = 4096;
  const Value a = sin(2 * std::numbers::pi * phasor(440.0)),
              b = 0.5 * sin(2 * std::numbers::pi * phasor(470.0));
  auto value = [&](const std::string& text) {
    LossSpec spec = parse_loss_spec(text);
    spec.sample_rate = 22050;
    double total = 0;
    for (float v : test::render1(build_loss(spec, a, b, frames), frames)) total += v;
    return total;
  };
  const double mrstft = value("mrstft"), loudness = value("loudness"), mse = value("mse");
  EXPECT_GT(loudness, 1.0);
  EXPECT_NEAR(value("mrstft+0.1*loudness+3*mse"), mrstft + 0.1 * loudness + 3 * mse,
              1e-4 * (mrstft + loudness + mse));
}

TEST(LossSpec, ChecksEveryTermFits) {
  LossSpec spec = parse_loss_spec("mse+logmel");
  EXPECT_THROW(check_loss_fits(spec, 1000), Error);  // a 2048-frame window
  spec.sample_rate = 11025;                          // 512 frames
  EXPECT_EQ(check_loss_fits(spec, 1000), "");
  EXPECT_NE(check_loss_fits(parse_loss_spec("mrstft+mse"), 1000).find("2048, 1024"),
            std::string::npos);
}

// A second of a tone of `hz` (its first 4 harmonics), or of noise when hz is 0.
std::vector<float> tone(double hz, double rate) {
  std::vector<float> x(static_cast<size_t>(rate));
  uint32_t noise = 1;
  for (size_t t = 0; t < x.size(); ++t) {
    double v = 0;
    for (int k = 1; k <= 4 && hz > 0; ++k)
      v += std::sin(2 * std::numbers::pi * k * hz * double(t) / rate) / k;
    if (hz == 0) v = double(noise = noise * 1664525u + 1013904223u) / 4294967296.0 - 0.5;
    x[t] = float(0.3 * v);
  }
  return x;
}

std::string default_for(double hz, double rate) {
  return default_loss(analyze_target(tone(hz, rate), rate)).spec.name();
}

// Without --loss: mrstft:low for a pitched target whose longest mrstft window (2048 at
// 44.1 kHz, 4096 at 96 kHz) holds fewer than 4 periods (below 86.1 and 93.75 Hz).
TEST(LossSpec, DefaultIsLowForTargetsPitchedBelowFourPeriodsOfTheLongestWindow) {
  EXPECT_EQ(default_for(52, 44100), "mrstft:low");
  EXPECT_EQ(default_for(80, 44100), "mrstft:low");
  EXPECT_EQ(default_for(95, 44100), "mrstft");
  EXPECT_EQ(default_for(220, 44100), "mrstft");
  EXPECT_EQ(default_for(90, 96000), "mrstft:low");
  EXPECT_EQ(default_for(0, 44100), "mrstft");  // noise: no fundamental
  // Too short for mrstft:low's 8192-frame window: its longer windows would be left out.
  const std::vector<float> second = tone(52, 44100);
  const std::vector<float> short_one(second.begin(), second.begin() + 8000);
  EXPECT_EQ(default_loss(analyze_target(short_one, 44100)).spec.name(), "mrstft");
  const DefaultLoss low = default_loss(analyze_target(tone(52, 44100), 44100));
  EXPECT_NE(low.why.find("below 86 Hz"), std::string::npos) << low.why;
  EXPECT_EQ(low.spec.sample_rate, 44100);
  EXPECT_EQ(default_loss(analyze_target(tone(220, 44100), 44100)).why, "");
}

}  // namespace
}  // namespace dgen::train

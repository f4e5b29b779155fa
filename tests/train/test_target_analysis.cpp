// Target analysis (docs/TRAINING.md "Target analysis"): the fundamental of synthetic tones
// of known pitch, the on/offsets of gated tones, and nothing in silence or noise.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "dgen/error.hpp"
#include "train/target_analysis.hpp"

namespace dgen::train {
namespace {

constexpr double kRate = 44100, kTwoPi = 2 * std::numbers::pi;

double cents(double got, double want) { return 1200 * std::log2(got / want); }

// `harmonics` partials of hz with amplitudes 1/k (a band-limited saw for many), scaled to
// `amplitude`, from frame `on` to `off` of a `frames`-long signal; silence elsewhere.
void add_tone(std::vector<float>& x, double hz, int64_t on, int64_t off, int harmonics = 1,
              double amplitude = 0.5) {
  for (int64_t t = on; t < off; ++t) {
    double v = 0;
    for (int k = 1; k <= harmonics; ++k)
      v += std::sin(kTwoPi * k * hz * double(t - on) / kRate) / k;
    x[size_t(t)] += float(amplitude * v);
  }
}

TEST(TargetAnalysis, FindsTheFundamentalOfSinesWithinACent) {
  for (double hz : {55.0, 98.0, 220.0, 440.5, 1000.0, 1760.0}) {
    SCOPED_TRACE(std::to_string(hz) + " Hz");
    std::vector<float> x(size_t(kRate / 2), 0.0f);
    add_tone(x, hz, 0, int64_t(x.size()));
    const TargetAnalysis a = analyze_target(x, kRate);
    EXPECT_NEAR(cents(a.f0_median, hz), 0.0, 1.0);
    // every voiced frame whose window lies inside the tone
    for (size_t k = 10; k + 10 < a.f0.size(); ++k) EXPECT_NEAR(cents(a.f0[k], hz), 0.0, 2.0) << k;
  }
}

// Rich tones: the fundamental, not a harmonic or an octave below.
TEST(TargetAnalysis, FindsTheFundamentalOfHarmonicTones) {
  for (double hz : {65.41, 110.0, 329.63}) {
    SCOPED_TRACE(std::to_string(hz) + " Hz");
    std::vector<float> x(size_t(kRate / 2), 0.0f);
    add_tone(x, hz, 0, int64_t(x.size()), int(8000 / hz));
    EXPECT_NEAR(cents(analyze_target(x, kRate).f0_median, hz), 0.0, 2.0);
  }
}

// A `@note pitch` param's seed: the fundamental searched in the param's own range, down to
// 20 Hz (a bass at 22.6 Hz is below the analysis's default 40 Hz floor).
TEST(TargetAnalysis, SeedsAPitchParamFromTheFundamentalInItsRange) {
  for (double hz : {22.6, 41.2, 110.0, 880.0}) {
    SCOPED_TRACE(std::to_string(hz) + " Hz");
    std::vector<float> x(size_t(kRate / 2), 0.0f);
    add_tone(x, hz, 0, int64_t(x.size()), int(8000 / hz));
    const std::optional<double> seed = pitch_seed(x, kRate, 20, 2000);
    ASSERT_TRUE(seed.has_value());
    EXPECT_NEAR(cents(*seed, hz), 0.0, 2.0);
  }
  std::vector<float> low(size_t(kRate / 2), 0.0f);
  add_tone(low, 55, 0, int64_t(low.size()), 100);
  EXPECT_FALSE(pitch_seed(low, kRate, 200, 2000).has_value());  // no fundamental in range
  EXPECT_FALSE(pitch_seed(std::vector<float>(4410, 0.0f), kRate, 20, 2000).has_value());
  EXPECT_FALSE(pitch_seed(low, kRate, 30000, 40000).has_value());  // above the rate's reach
}

TEST(TargetAnalysis, FindsTheOnAndOffsetsOfGatedTones) {
  std::vector<float> x(size_t(kRate), 0.0f);
  add_tone(x, 440, 4410, 17640);            // 0.1 - 0.4 s
  add_tone(x, 196, 26460, 37485, 5, 0.25);  // 0.6 - 0.85 s, 6 dB quieter
  const TargetAnalysis a = analyze_target(x, kRate);
  ASSERT_EQ(a.notes.size(), 2u);
  EXPECT_NEAR(double(a.notes[0].on), 4410, 3);
  EXPECT_NEAR(double(a.notes[0].off), 17640, 3);
  EXPECT_NEAR(double(a.notes[1].on), 26460, 3);
  EXPECT_NEAR(double(a.notes[1].off), 37485, 3);
  EXPECT_NEAR(cents(a.notes[0].f0, 440), 0.0, 1.0);
  EXPECT_NEAR(cents(a.notes[1].f0, 196), 0.0, 2.0);
  EXPECT_NEAR(a.notes[0].peak, 0.5, 1e-3);

  const std::vector<float> gate = feature_signal(a, "gate"), pitch = feature_signal(a, "pitch"),
                           velocity = feature_signal(a, "velocity");
  ASSERT_EQ(gate.size(), x.size());
  EXPECT_EQ(gate[4000], 0.0f);
  EXPECT_EQ(gate[10000], 1.0f);
  EXPECT_EQ(gate[20000], 0.0f);
  EXPECT_EQ(gate[30000], 1.0f);
  EXPECT_EQ(velocity[10000], float(a.notes[0].peak));
  EXPECT_NEAR(pitch[10000], 440, 0.5);
  EXPECT_NEAR(pitch[30000], 196, 0.5);
  EXPECT_NEAR(pitch[2000], 440, 0.5);  // held before the first voiced frame
}

TEST(TargetAnalysis, SilenceHasNoPitchAndNoNotes) {
  const std::vector<float> x(22050, 0.0f);
  const TargetAnalysis a = analyze_target(x, kRate);
  EXPECT_TRUE(a.notes.empty());
  EXPECT_EQ(a.f0_median, 0.0);
  for (double f : a.f0) EXPECT_EQ(f, 0.0);
  EXPECT_THROW(feature_signal(a, "pitch"), Error);
  for (float g : feature_signal(a, "gate")) EXPECT_EQ(g, 0.0f);
  std::vector<float> y = x;
  EXPECT_THROW(normalize_target(y, kRate, "peak"), Error);
}

TEST(TargetAnalysis, WhiteNoiseHasNoPitch) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uniform(-0.5f, 0.5f);
  std::vector<float> x(22050);
  for (float& v : x) v = uniform(rng);
  const TargetAnalysis a = analyze_target(x, kRate);
  for (double f : a.f0) EXPECT_EQ(f, 0.0);
  ASSERT_EQ(a.notes.size(), 1u);  // it is loud: one unpitched note
  EXPECT_EQ(a.notes[0].f0, 0.0);
}

TEST(TargetAnalysis, NormalizesPeakAndLoudness) {
  std::vector<float> x(22050, 0.0f);
  add_tone(x, 300, 2205, 15000, 1, 0.1);
  std::vector<float> peak = x, loud = x;
  EXPECT_NEAR(normalize_target(peak, kRate, "peak"), 10.0, 1e-3);
  EXPECT_NEAR(*std::max_element(peak.begin(), peak.end()), 1.0, 1e-6);
  normalize_target(loud, kRate, "loudness");
  EXPECT_NEAR(analyze_target(loud, kRate).rms_db, -20.0, 0.05);
  EXPECT_THROW(normalize_target(loud, kRate, "rms"), Error);
}

TEST(TargetAnalysis, DescribesWhatItFound) {
  std::vector<float> x(22050, 0.0f);
  add_tone(x, 440, 4410, 15435);
  const std::string text = describe_analysis(analyze_target(x, kRate));
  EXPECT_NE(text.find("f0: 440.00 Hz (A4 +0 cents)"), std::string::npos) << text;
  EXPECT_NE(text.find("1 note:\n  0.100 - 0.350 s"), std::string::npos) << text;
}

}  // namespace
}  // namespace dgen::train

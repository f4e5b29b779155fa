// Values derived from the frame count (SPEC §1, §2.2): phasor and accum keep float64 state
// and output a float32 value that is always inside their range; a comparison against a
// count of frames decides on the same frame on every backend.
#include <cmath>

#include "support.hpp"

namespace dgen {
namespace {

const Backend kBackends[] = {Backend::Interp, Backend::C};
const char* name(Backend b) { return b == Backend::C ? "C" : "interpreter"; }

// Ten steps of 0.1 are one cycle: frame 10 is phase 0, not float32's 1 or 0.99999994.
TEST(FramePrecision, PhasorLandingOnAWrapOutputsZero) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(phasor(100.0), 41, b, 1, 1000);
    for (int t = 0; t <= 40; t += 10) EXPECT_EQ(out[size_t(t)], 0.0f) << "frame " << t;
    for (float v : out) EXPECT_LT(v, 1.0f);
  }
}

// A tensor phasor: the 200 Hz element wraps on frame 5 (0.2 five times), the 300 Hz one
// (0.3, not a dyadic step) never leaves [0, 1).
TEST(FramePrecision, TensorPhasorLandingOnAWrapOutputsZero) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(phasor(tensor({2}, {200, 300})), 21, b, 1, 1000);
    for (int t = 0; t <= 20; t += 5) EXPECT_EQ(out[size_t(2 * t)], 0.0f) << "frame " << t;
    EXPECT_EQ(out[2 * 10 + 1], 0.0f);
    for (float v : out) {
      EXPECT_GE(v, 0.0f);
      EXPECT_LT(v, 1.0f);
    }
  }
}

// A phase is in [0, 1) whatever the frequency: negative, tiny, huge, across a sweep.
TEST(FramePrecision, PhasorOutputIsAlwaysBelowOne) {
  const Value f = tensor({6}, {-100, -1e-3f, 1e-3f, 22050, 44099.99f, 1e6f});
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(phasor(f), 20000, b);
    for (size_t i = 0; i < out.size(); ++i) {
      ASSERT_GE(out[i], 0.0f) << "element " << i % 6 << " frame " << i / 6;
      ASSERT_LT(out[i], 1.0f) << "element " << i % 6 << " frame " << i / 6;
    }
  }
}

// 10^7 frames of 440 Hz at 48 kHz: a step of 11/1200, so the exact phase of frame n is
// (11 n mod 1200) / 1200. The float64 state stays within a float32 rounding of it on
// every frame (a float32 accumulator wrapped the same way is off by up to 0.058).
TEST(FramePrecision, PhasorDoesNotDriftOverTenMillionFrames) {
  const int64_t frames = 10'000'000;
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(phasor(440.0), frames, b, 1, 48000);
    double worst = 0;
    for (int64_t n = 0; n < frames; ++n) {
      const double exact = double((11 * n) % 1200) / 1200.0;
      const double d = std::fabs(double(out[size_t(n)]) - exact);
      worst = std::max(worst, std::min(d, 1 - d));
      ASSERT_LT(out[size_t(n)], 1.0f) << "frame " << n;
    }
    EXPECT_LT(worst, 6e-8);  // half a float32 ulp below 1 is 3e-8
  }
}

// accum's output is in [lo, hi) too: ten steps of 0.1 from 0 land on hi = 1, which is
// lo = -1 (whether the float64 sum is 1 or one rounding below it).
TEST(FramePrecision, AccumLandingOnHiOutputsLo) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(accum(0.1, 0.0, -1.0, 1.0), 41, b);
    EXPECT_EQ(out[10], -1.0f);
    for (float v : out) EXPECT_LT(v, 1.0f);
  }
}

// The first frame on which `time > k / sr` holds, for two ways of counting time in
// seconds: accumulating 1 / sr, and a frame count divided by sr. Frame k is exactly k / sr
// (float64 state adds float32 steps exactly), so it fires on frame k + 1 on both backends.
// (A history cell that adds 1 / sr to itself accumulates in float32 storage on compiled
// backends and in double in the interpreter: its rounding differs, see docs/LANGUAGE.md.)
int64_t first_true(const std::vector<float>& v) {
  for (size_t t = 0; t < v.size(); ++t)
    if (v[t] > 0) return int64_t(t);
  return -1;
}

TEST(FramePrecision, ThresholdOnElapsedTimeFiresOnTheSameFrameEverywhere) {
  for (double sr : {1000.0, 44100.0, 48000.0}) {
    const std::vector<Value> clocks = {accum(1.0 / samplerate(), 0.0, 0.0, 1e6),
                                       accum(1.0, 0.0, 0.0, 1e9) / samplerate()};
    for (int64_t k : {3, 64, 100, 441}) {
      std::vector<Value> fires;
      for (const Value& t : clocks) fires.push_back(gt(t, double(k) / samplerate()));
      const auto interp = test::render(fires, 600, Backend::Interp, 1, sr);
      const auto c = test::render(fires, 600, Backend::C, 1, sr);
      for (size_t i = 0; i < clocks.size(); ++i) {
        SCOPED_TRACE("sr " + std::to_string(sr) + ", k " + std::to_string(k) + ", clock " +
                     std::to_string(i));
        EXPECT_EQ(first_true(interp[i]), k + 1);
        EXPECT_EQ(first_true(c[i]), k + 1);
      }
    }
  }
}

}  // namespace
}  // namespace dgen

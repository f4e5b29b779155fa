// buffer, overlap_add and hop_hold (SPEC §2.3): closed forms on the interpreter, then the C
// backend against the interpreter.
#include <gtest/gtest.h>

#include "dgen/error.hpp"
#include "support.hpp"

namespace dgen {
namespace {

// x[t] = t + 1, so a zero in a window can only be padding from before frame 0.
Value ramp_from_one() { return accum(1.0, 0.0, 0.0, 1e9) + 1.0; }

// The value of buffer(ramp_from_one(), n, hop) element i at frame t.
float expected_window_element(int64_t t, int64_t n, int64_t hop, int64_t i) {
  const int64_t filled = t - t % hop;  // the last hop frame: the window is held since then
  const int64_t source = filled - n + 1 + i;
  return source < 0 ? 0.0f : float(source + 1);
}

void check_buffer(int64_t n, int64_t hop) {
  const int64_t frames = 20;
  const auto out = test::render1(buffer(ramp_from_one(), n, hop), frames);
  ASSERT_EQ(out.size(), size_t(frames * n));
  for (int64_t t = 0; t < frames; ++t)
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ(out[t * n + i], expected_window_element(t, n, hop, i))
          << "frame " << t << " element " << i;
}

TEST(SpectralBuffer, OldestFirstWithZerosBeforeFrameZeroHop1) { check_buffer(5, 1); }
TEST(SpectralBuffer, HeldBetweenHopFramesHop4) { check_buffer(8, 4); }
TEST(SpectralBuffer, HopLargerThanWindow) { check_buffer(3, 5); }

TEST(SpectralBuffer, RateIsTheHop) {
  EXPECT_EQ(buffer(noise(), 8, 4).rate(), Rate::every(4));
  EXPECT_EQ(buffer(noise(), 8, 1).rate(), Rate::frame());
  EXPECT_EQ(buffer(noise(), 8, 4).shape(), (Shape{8}));
}

TEST(SpectralBuffer, BackendsAgree) {
  const Value x = noise(3);
  for (int lanes : {1, 3}) {
    SCOPED_TRACE("lanes " + std::to_string(lanes));
    test::expect_backends_agree({buffer(x, 8, 1), buffer(x, 8, 4), buffer(x, 1, 1)}, 600, lanes);
  }
}

// buffer -> identity -> overlap_add: y[t] = (N / hop) x[t - N + 1] (zero before N - 1).
TEST(SpectralOverlapAdd, RectangularGainAfterLatency) {
  const int64_t n = 8, hop = 2, frames = 64;
  const Value x = noise(5);
  const auto out = test::render({x, overlap_add(buffer(x, n, hop), hop)}, frames, Backend::Interp);
  for (int64_t t = 0; t < frames; ++t) {
    const double want = t < n - 1 ? 0.0 : double(n / hop) * out[0][t - n + 1];
    EXPECT_NEAR(out[1][t], want, 1e-6) << "frame " << t;
  }
}

// A periodic Hann at 75% overlap sums to 2: y[t] = 2 x[t - N + 1] once windows are full.
TEST(SpectralOverlapAdd, HannAtSeventyFivePercentSumsToTwo) {
  const int64_t n = 16, hop = 4, frames = 100;
  const Value x = noise(7);
  const Value y = overlap_add(buffer(x, n, hop) * hann(n), hop);
  const auto out = test::render({x, y}, frames, Backend::Interp);
  for (int64_t t = n - 1; t < frames; ++t)
    EXPECT_NEAR(out[1][t], 2.0 * out[0][t - n + 1], 1e-6) << "frame " << t;
}

TEST(SpectralOverlapAdd, ConstantInputHasNoGlitchAtHopBoundaries) {
  const int64_t n = 16, hop = 4;
  const auto out = test::render1(overlap_add(buffer(1.0, n, hop) * hann(n), hop), 80);
  for (int64_t t = n - 1; t < 80; ++t) EXPECT_NEAR(out[t], 2.0f, 1e-6) << "frame " << t;
}

TEST(SpectralOverlapAdd, BackendsAgree) {
  const Value x = noise(9);
  for (int lanes : {1, 3}) {
    SCOPED_TRACE("lanes " + std::to_string(lanes));
    test::expect_backends_agree({overlap_add(buffer(x, 16, 4) * hann(16), 4),
                                 overlap_add(buffer(x, 8, 8), 8), overlap_add(buffer(x, 4, 1), 1)},
                                700, lanes);
  }
}

TEST(SpectralHopHold, SamplesOnHopFramesAndHolds) {
  const int64_t hop = 4;
  const Value held = hop_hold(ramp_from_one(), hop);
  EXPECT_EQ(held.rate(), Rate::every(hop));
  const auto out = test::render1(held, 20);
  for (int64_t t = 0; t < 20; ++t) EXPECT_EQ(out[t], float(t - t % hop + 1)) << "frame " << t;
}

TEST(SpectralHopHold, BackendsAgree) {
  const Value x = noise(11);
  for (int lanes : {1, 3})
    test::expect_backends_agree({hop_hold(x, 5), hop_hold(x, 1)}, 300, lanes);
}

TEST(SpectralErrors, BufferOfATensor) {
  try {
    buffer(zeros({4}), 8, 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("buffer: expects a scalar signal, got shape [4]"),
              std::string::npos)
        << e.what();
  }
}

TEST(SpectralErrors, BadHopsAndSizes) {
  const Value x = noise();
  EXPECT_THROW(buffer(x, 8, 0), Error);
  EXPECT_THROW(buffer(x, 0, 1), Error);
  EXPECT_THROW(overlap_add(buffer(x, 8, 2), 0), Error);
  EXPECT_THROW(overlap_add(x, 2), Error);  // not a window
  EXPECT_THROW(hop_hold(x, -1), Error);
  try {
    buffer(x, 8, -3);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("buffer: hop must be >= 1, got -3"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace dgen

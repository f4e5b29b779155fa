// std/env against the envelope written here as a state machine in double and closed
// forms of its segments, smoothing against its recursion, and gradients of every time,
// level and rate against finite differences.
#include <algorithm>
#include <cmath>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

using test::render_std;

// Linear segments (docs/STDLIB.md, envelope): attack to 1 from the current level on a
// trigger, decay to sustain while held, release from the level it starts at.
std::vector<double> envelope(const std::vector<float>& trig, const std::vector<float>& hold,
                             double a, double d, double s, double r, double sr) {
  std::vector<double> out;
  double level = 0, release_from = 0, last_trig = 0;
  int stage = 0;
  for (size_t t = 0; t < trig.size(); ++t) {
    const bool rise = trig[t] > 0 && last_trig <= 0;
    last_trig = trig[t];
    const int now = rise ? 1 : hold[t] > 0 ? stage : 0;
    if (stage > 0 && now == 0) release_from = level;
    if (now == 1)
      level = std::min(level + 1 / std::max(a * sr, 1.0), 1.0);
    else if (now == 2)
      level = std::max(level - (1 - s) / std::max(d * sr, 1.0), s);
    else
      level = std::max(level - release_from / std::max(r * sr, 1.0), 0.0);
    stage = now == 1 && level >= 1 ? 2 : now;
    out.push_back(level);
  }
  return out;
}

TEST(StdEnv, AdsrFollowsItsGate) {
  // The gate is on for frames 0…1228 of each 2048 (the phase steps by exactly 1/2048);
  // a retrigger comes while the release runs.
  const auto out = render_std(
      "(def gate (lt (phasor 21.533203125) 0.6)) (def r (adsr gate 0.002 0.005 0.5 0.03))",
      {"gate", "r"}, 6000);
  test::expect_near_all(out[1], envelope(out[0], out[0], 0.002, 0.005, 0.5, 0.03, 44100), 1e-5);
  // Closed forms: the first attack is (n + 1)/(0.002·sr); the sustain holds 0.5.
  for (size_t n = 0; n < 88; ++n) ASSERT_NEAR(out[1][n], double(n + 1) / 88.2, 1e-5);
  EXPECT_FLOAT_EQ(out[1][1000], 0.5f);
  // The release started at the sustain level: it falls 0.5/(0.03·sr) per frame.
  EXPECT_NEAR(out[1][1235] - out[1][1236], 0.5 / (0.03 * 44100), 1e-6);
}

TEST(StdEnv, ArRunsItsCourseFromEachTrigger) {
  const auto out = render_std("(def trig (lt (phasor 15) 0.01)) (def r (ar trig 0.004 0.02))",
                              {"trig", "r"}, 6000);
  const std::vector<float> held(out[0].size(), 1.0f);
  test::expect_near_all(out[1], envelope(out[0], held, 0.004, 0.02, 0, 0.02, 44100), 1e-5);
  EXPECT_FLOAT_EQ(*std::max_element(out[1].begin(), out[1].end()), 1.0f);
  EXPECT_EQ(out[1][2000], 0.0f);  // released between triggers
}

// adsr-exp's segments in closed form: the attack (n + 1)/(attack·sr), then
// sustain + (1 - sustain)(1 - c_d)^m while the gate is on, and the level it had times
// (1 - c_r)^m after it falls, c = 1 - exp(-ln(100)/(time·sr)); a new gate restarts the
// attack from the current level.
TEST(StdEnv, ExponentialAdsrFollowsItsClosedForms) {
  const double sr = 44100, cd = 1 - std::exp(-std::log(100) / (0.01 * sr)),
               cr = 1 - std::exp(-std::log(100) / (0.02 * sr));
  const auto out = render_std(
      "(def n (accum 1 0 0 1e9)) (def gate (+ (lt n 1000) (gte n 2000)))"
      "(def r (adsr-exp gate 0.002 0.01 0.4 0.02))",
      {"gate", "r"}, 2100, sr);
  const std::vector<float>& y = out[1];
  for (size_t n = 0; n < 88; ++n) ASSERT_NEAR(y[n], double(n + 1) / 88.2, 1e-5) << n;
  // Frame 88 reaches 1 (89/88.2 clipped); the decay starts on frame 89.
  EXPECT_FLOAT_EQ(y[88], 1.0f);
  for (size_t n = 89; n < 1000; ++n)
    ASSERT_NEAR(y[n], 0.4 + 0.6 * std::pow(1 - cd, double(n - 88)), 1e-5) << n;
  for (size_t n = 1000; n < 2000; ++n)
    ASSERT_NEAR(y[n], y[999] * std::pow(1 - cr, double(n - 999)), 1e-5) << n;
  // 99% of the way in the segment's time: 1% of the sustain level left 0.02 s later.
  EXPECT_NEAR(y[999 + 882], 0.01 * y[999], 1e-4);
  EXPECT_NEAR(y[2000], y[1999] + 1 / 88.2, 1e-5);  // the retrigger
}

// curve against its formula on a ramp over [0, 1], for both bends and the linear case.
TEST(StdEnv, CurveShapesALevel) {
  for (double shape : {-4.0, 3.0, 0.0}) {
    SCOPED_TRACE("shape " + std::to_string(shape));
    const auto out = render_std(
        "(def x (phasor 100)) (def r (curve x " + std::to_string(shape) + "))", {"x", "r"}, 441);
    for (size_t n = 0; n < 441; ++n) {
      const double x = out[0][n];
      const double want = shape == 0 ? x : std::expm1(shape * x) / std::expm1(shape);
      ASSERT_NEAR(out[1][n], want, 1e-5) << "x " << x;
    }
  }
}

TEST(StdEnv, SmoothAndSlideFollowTheirRecursions) {
  const auto out = render_std(
      "(def x (+ 2 (gt (phasor 60) 0.5))) (def r (smooth x 0.002)) (def s (slide x 20 70))",
      {"x", "r", "s"}, 3000);
  const double a = std::exp(-1 / (0.002 * 44100));
  double y = out[0][0], z = out[0][0];
  for (size_t t = 0; t < 3000; ++t) {
    const double x = out[0][t];
    y = x + a * (y - x);
    z = z + (x - z) / (x > z ? 20 : 70);
    ASSERT_NEAR(out[1][t], y, 1e-5) << t;
    ASSERT_NEAR(out[2][t], z, 1e-5) << t;
  }
  EXPECT_EQ(out[1][0], 2.0f);  // starts at the input, not at 0
  EXPECT_EQ(test::render_r("(def r (smooth 3 0.01))", 4), (std::vector<float>(4, 3.0f)));
}

TEST(StdEnv, GradientsMatchFiniteDifferences) {
  const std::string gate = "(def gate (lt (accum 1 0 0 1000000) 200)) ";
  test::expect_gradients_match(
      gate +
          "(param a @default 0.001 @min 0.0001 @max 1) (param d @default 0.002 @min 0.0001 @max 1)"
          "(param s @default 0.4 @min 0 @max 1) (param rel @default 0.002 @min 0.0001 @max 1)"
          "(def r (adsr gate a d s rel))",
      400);
  test::expect_gradients_match(
      gate +
          "(param a @default 0.001 @min 0.0001 @max 1) (param rel @default 0.003 @min 0.0001 "
          "@max 1) (def r (ar gate a rel))",
      400);
  test::expect_gradients_match(
      "(param t @default 0.001 @min 0.0001 @max 1) (param v @default 0.7 @min 0 @max 1)"
      "(def r (smooth (* v (gt (phasor 200) 0.5)) t))",
      300);
  test::expect_gradients_match(
      "(param up @default 10.5 @min 1 @max 100) (param down @default 30.5 @min 1 @max 100)"
      "(def r (slide (gt (phasor 200) 0.5) up down))",
      300);
  test::expect_gradients_match(
      gate +
          "(param a @default 0.001 @min 0.0001 @max 1) (param d @default 0.002 @min 0.0001 @max 1)"
          "(param s @default 0.4 @min 0 @max 1) (param rel @default 0.002 @min 0.0001 @max 1)"
          "(def r (adsr-exp gate a d s rel))",
      400);
  test::expect_gradients_match(
      gate +
          "(param shape @default -3 @min -8 @max 8) (param a @default 0.002 @min 0.0001 @max 1)"
          "(def r (curve (ar gate a 0.003) shape))",
      400);
}

}  // namespace
}  // namespace dgen::lisp

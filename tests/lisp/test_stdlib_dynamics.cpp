// std/fx's compressor and limiter: the static curve against the soft-knee formula
// (Giannoulis, Massberg & Reiss) written here, the attack as a one-pole in dB, the
// limiter's ceiling, and gradients against finite differences.
#include <cmath>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

// The gain in dB of the soft-knee curve for a level in dB.
double curve_db(double level, double threshold, double ratio, double knee) {
  const double over = level - threshold;
  if (2 * over <= -knee) return 0;
  if (2 * over >= knee) return (1 / ratio - 1) * over;
  return (1 / ratio - 1) * (over + knee / 2) * (over + knee / 2) / (2 * knee);
}

double dbtoa(double db) { return std::pow(10, db / 20); }

// A staircase of DC levels from -48 dB up in 6 dB steps, 2000 frames each: with 1 ms
// attack and release (44 frames) the gain has settled at the end of each step.
TEST(StdDynamics, CompressorFollowsItsStaticCurve) {
  const double threshold = -20, ratio = 4, knee = 12, makeup = 3;
  const std::vector<float> y = test::render_r(
      "(def level (- (* 6 (floor (/ (accum 1 0 0 1e9) 2000))) 48))"
      "(def r (compress (dbtoa level) -20 4 12 0.001 0.001 3))",
      16 * 2000);
  for (int step = 0; step < 16; ++step) {
    const double level = 6.0 * step - 48;
    SCOPED_TRACE("level " + std::to_string(level));
    const double want = dbtoa(level + makeup + curve_db(level, threshold, ratio, knee));
    EXPECT_NEAR(y[size_t(step * 2000 + 1999)], want, 1e-4 * want);
  }
}

// A step from silence to 0 dB at frame 100: the gain falls to the curve's value T as
// T·(1 - aⁿ⁺¹), a = exp(-1/(attack·sr)), n frames after the step.
TEST(StdDynamics, AttackIsAOnePoleInDecibels) {
  const double sr = 44100, a = std::exp(-1 / (0.002 * sr)), T = curve_db(0, -10, 5, 0);
  const std::vector<float> y =
      test::render_r("(def r (compress (gte (accum 1 0 0 1e9) 100) -10 5 0 0.002 0.5 0))", 1000);
  std::vector<double> want(1000, 0.0);
  for (size_t n = 100; n < want.size(); ++n) want[n] = dbtoa(T * (1 - std::pow(a, double(n - 99))));
  test::expect_near_all(y, want, 1e-5);
}

// The limiter never lets |y| past its ceiling (-6 dB here, noise peaking at +12 dB), and
// a quiet signal after the loud part comes back to unity gain as the release allows.
TEST(StdDynamics, LimiterHoldsTheCeiling) {
  const std::vector<float> y = test::render_r(
      "(def loud (lt (accum 1 0 0 1e9) 4000))"
      "(def r (limiter (* (+ (* 4 loud) (* 0.1 (not loud))) (noise 6)) -6 0.01))",
      44100, 44100, 1e-4);
  const double ceiling = dbtoa(-6);
  double loud_peak = 0;
  for (size_t n = 0; n < 4000; ++n) {
    ASSERT_LE(std::fabs(y[n]), ceiling * (1 + 1e-5)) << "at frame " << n;
    loud_peak = std::max(loud_peak, double(std::fabs(y[n])));
  }
  EXPECT_GT(loud_peak, 0.99 * ceiling);
  // 0.2 s after the loud part (20 release time constants) the gain is back to 1 within
  // e^-20: compare with the same quiet noise unlimited.
  const std::vector<float> quiet = test::render_r(
      "(def loud (lt (accum 1 0 0 1e9) 4000))"
      "(def r (* (+ (* 4 loud) (* 0.1 (not loud))) (noise 6)))",
      44100);
  for (size_t n = 4000 + 8820; n < y.size(); ++n) ASSERT_NEAR(y[n], quiet[n], 1e-5);
}

TEST(StdDynamics, GradientsMatchFiniteDifferences) {
  const std::string x = "(def x (* 1.5 (sin (* twopi (phasor 90))) (+ 0.6 (* 0.4 (noise 1))))) ";
  test::expect_gradients_match(
      x + "(param threshold @default -8 @min -40 @max 0)"
          "(param ratio @default 4 @min 1 @max 20)"
          "(param knee @default 10 @min 0 @max 24)"
          "(param attack @default 0.0005 @min 0.0001 @max 0.1)"
          "(param release @default 0.002 @min 0.001 @max 1)"
          "(param makeup @default 2 @min 0 @max 12)"
          "(def r (compress x threshold ratio knee attack release makeup))",
      512);
  test::expect_gradients_match(x + "(param ceiling @default -3 @min -20 @max 0)"
                                   "(param release @default 0.002 @min 0.001 @max 1)"
                                   "(def r (limiter x ceiling release))",
                               512);
}

}  // namespace
}  // namespace dgen::lisp

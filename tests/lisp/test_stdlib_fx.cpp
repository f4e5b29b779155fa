// std/fx's delays and reverb: the feedback delay's echoes at a fractional time (linear
// interpolation, worked out by hand), the chorus against the closed form of a sine read
// at a moving time, the flanger's comb, and the FDN reverb's decay: its response is the
// lossless network's times γⁿ, and its energy falls by 60 dB in t60.
#include <cmath>
#include <numbers>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

using test::expect_near_all;
using test::render_r;

constexpr double kPi = std::numbers::pi;

// 10.25 frames: each echo lands 3/4 on frame 10k and 1/4 on 10k + 1, and the second is
// the first convolved with itself, times the feedback.
TEST(StdFx, FeedbackDelayEchoesAtAFractionalTime) {
  std::vector<double> want(40, 0.0);
  want[10] = 0.75, want[11] = 0.25;
  want[20] = 0.5 * 0.75 * 0.75, want[21] = 0.5 * 2 * 0.75 * 0.25, want[22] = 0.5 * 0.25 * 0.25;
  want[30] = 0.25 * 0.421875, want[31] = 0.25 * 3 * 0.5625 * 0.25;
  want[32] = 0.25 * 3 * 0.75 * 0.0625, want[33] = 0.25 * 0.015625;
  expect_near_all(render_r("(def r (fbdelay (click) (/ 10.25 samplerate) 0.5))", 40), want, 1e-6);
}

// The loop through a process: halving each trip with feedback 1 is fbdelay with 0.5, and
// a one-pole in the loop smears each echo by it once more per trip.
TEST(StdFx, FeedbackDelayThroughAProcess) {
  const std::vector<float> plain =
      render_r("(def r (fbdelay (click) (/ 10.25 samplerate) 0.5))", 40);
  expect_near_all(render_r("(defmacro half (y) (* 0.5 y))"
                           "(def r (fbdelay-through (click) (/ 10.25 samplerate) 1 half))",
                           40),
                  std::vector<double>(plain.begin(), plain.end()), 1e-7);
  // Echo k is (1 - a)^(k-1) times the (k-1)-fold smear of the one-pole, a = 0.5: the
  // second echo starts 10 frames later with 0.5 · 0.5 (feedback · (1 - a)).
  const std::vector<float> y = render_r(
      "(defmacro dark (y) (damp y 0.5)) (def r (fbdelay-through (click) (/ 10 samplerate) 0.5 "
      "dark))",
      32);
  expect_near_all(std::vector<float>(y.begin(), y.begin() + 23),
                  {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0.125, 0.0625},
                  1e-7);
}

// A chorus of a 200 Hz sine: the delayed copy is sin(2π·200·(t - d(t))/sr) with
// d(t) = (base + depth·sin(2π·rate·t/sr))·sr frames, up to linear interpolation's error
// ((2π·200/sr)²/8 ≈ 1e-4), and silence until the line has filled.
TEST(StdFx, ChorusReadsTheInputAtTheModulatedTime) {
  const double sr = 44100, f = 200, rate = 3, base = 0.01, depth = 0.004, m = 0.4;
  const std::vector<float> y = render_r("(def r (chorus (sine 200) 3 0.01 0.004 0.4))", 8192);
  for (size_t t = 0; t < y.size(); ++t) {
    const double dry = std::sin(2 * kPi * f * double(t) / sr);
    const double d = (base + depth * std::sin(2 * kPi * rate * double(t) / sr)) * sr;
    const double wet = double(t) < d ? 0 : std::sin(2 * kPi * f * (double(t) - d) / sr);
    if (std::fabs(double(t) - d) < 2) continue;  // where the line starts: partly filled
    ASSERT_NEAR(y[t], (1 - m) * dry + m * wet, 2e-4) << "at frame " << t;
  }
}

// With no depth the flanger is a feedback comb mixed with the dry signal: the delayed
// copy is feedback^(k-1) at frame 7k.
TEST(StdFx, FlangerWithoutModulationIsAComb) {
  std::vector<double> want(64, 0.0);
  want[0] = 0.7;
  for (int k = 1; 7 * k < 64; ++k) want[size_t(7 * k)] = 0.3 * std::pow(-0.6, k - 1);
  expect_near_all(render_r("(def r (flanger (click) 0.5 (/ 7 samplerate) 0 -0.6 0.3))", 64), want,
                  1e-6);
}

// damp: (1 - a)·aⁿ.
TEST(StdFx, DampIsAOnePole) {
  std::vector<double> want(32);
  for (size_t n = 0; n < want.size(); ++n) want[n] = 0.7 * std::pow(0.3, double(n));
  expect_near_all(render_r("(def r (damp (click) 0.3))", 32), want, 1e-6);
  expect_near_all(render_r("(def r (damp (click) 0))", 3), {1, 0, 0}, 0);
}

// Every loop's gain is γ^L with γ = 10^(-3/(sr·t60)): the network equals the lossless one
// with z scaled by γ, so its response is the (almost) lossless response times γⁿ.
TEST(StdFx, FdnReverbDecaysAsItsT60Says) {
  const double sr = 16000, t60 = 1;
  const auto out = test::render_std(
      "(def (l r) (fdn-reverb (click) 1 0)) (def (l0 r0) (fdn-reverb (click) 1e6 0))",
      {"l", "r", "l0", "r0"}, 32000, sr, 1e-4);
  const double ratio = std::pow(10, -3 / (sr * t60)) / std::pow(10, -3 / (sr * 1e6));
  for (int side = 0; side < 2; ++side) {
    std::vector<double> want(out[2 + size_t(side)].begin(), out[2 + size_t(side)].end());
    for (size_t n = 0; n < want.size(); ++n) want[n] *= std::pow(ratio, double(n));
    expect_near_all(out[size_t(side)], want, 1e-6);
  }
  EXPECT_EQ(out[0][1086], 0.0f);  // nothing comes out before the shortest line
  EXPECT_NE(out[0][1087], 0.0f);

  // The energy decay (Schroeder's backward integral) falls 60 dB in t60: its slope from
  // -5 to -35 dB, fitted by least squares. (The lossless network's output energy settles
  // within ±0.5 dB after about 0.5 s; a t60 much shorter than that would be fitted over
  // its build-up.)
  std::vector<double> edc(out[0].size());
  double acc = 0;
  for (size_t n = edc.size(); n-- > 0;)
    edc[n] = acc += double(out[0][n]) * out[0][n] + double(out[1][n]) * out[1][n];
  double sx = 0, sy = 0, sxx = 0, sxy = 0, count = 0;
  for (size_t n = 0; n < edc.size(); ++n) {
    const double db = 10 * std::log10(edc[n] / edc[0]);
    if (db > -5 || db < -35) continue;
    const double t = double(n) / sr;
    sx += t, sy += db, sxx += t * t, sxy += t * db, ++count;
  }
  const double slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);  // dB per second
  EXPECT_NEAR(-60 / slope, t60, 0.03 * t60);
}

TEST(StdFx, GradientsMatchFiniteDifferences) {
  const std::string x = "(def x (+ (sin (* twopi (phasor 330))) (* 0.5 (noise 1)))) ";
  test::expect_gradients_match(x + "(param time @default 0.0013 @min 0.0005 @max 0.002)"
                                   "(param fb @default 0.5 @min -0.9 @max 0.9)"
                                   "(def r (fbdelay x time fb))",
                               256);
  // A modulated time: linear interpolation's slope jumps where the time crosses a frame,
  // which a difference straddles on about 1% of the frames at the default step (0.005
  // frames here): a smooth input and a step 256 times smaller.
  const std::string smooth =
      "(def y (+ (sin (* twopi (phasor 330))) (sin (* twopi (phasor 870))))) ";
  test::expect_gradients_match(smooth +
                                   "(param rate @default 40 @min 0 @max 100)"
                                   "(param depth @default 0.0005 @min 0 @max 0.001)"
                                   "(param m @default 0.5 @min 0 @max 1)"
                                   "(def r (chorus y rate 0.002 depth m))",
                               256, 1.0 / (1 << 20));
  test::expect_gradients_match(x + "(param fb @default 0.5 @min -0.9 @max 0.9)"
                                   "(param m @default 0.5 @min 0 @max 1)"
                                   "(def r (flanger x 20 0.002 0.0005 fb m))",
                               256);
  test::expect_gradients_match(x + "(param t60 @default 0.5 @min 0.1 @max 5)"
                                   "(param damping @default 0.3 @min 0 @max 0.9)"
                                   "(def (l r0) (fdn-reverb x t60 damping)) (def r (+ l r0))",
                               2600);
}

}  // namespace
}  // namespace dgen::lisp

// std/filters against hand-derived impulse responses and the bilinear transforms of the
// analog prototypes, run here as direct-form recursions in double; stability above
// Nyquist at several sample rates; gradients against finite differences.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

using test::expect_near_all;
using test::render_r;

constexpr double kPi = std::numbers::pi;

// tan(π·fc/sr) with fc clamped like `prewarp`.
double prewarp(double fc, double sr) {
  return std::tan(kPi * std::clamp(fc, 1e-4 * sr, 0.49 * sr) / sr);
}

// The one-pole lowpass's impulse response: H(z) = G(1 + z⁻¹)/(1 - p z⁻¹) with
// G = g/(1 + g), p = (1 - g)/(1 + g), so h[0] = G and h[n] = G p^(n-1) (1 + p).
std::vector<double> lp1_impulse(double fc, double sr, size_t n) {
  const double g = prewarp(fc, sr), G = g / (1 + g), p = (1 - g) / (1 + g);
  std::vector<double> h(n);
  for (size_t i = 0; i < n; ++i) h[i] = i == 0 ? G : G * std::pow(p, double(i - 1)) * (1 + p);
  return h;
}

TEST(StdFilters, OnePoleImpulseResponses) {
  for (double sr : {44100.0, 32000.0}) {
    for (double fc : {50.0, 1000.0, 12000.0, 30000.0}) {  // 30 kHz is above Nyquist: clamped
      SCOPED_TRACE("sr " + std::to_string(sr) + " fc " + std::to_string(fc));
      const std::string f = std::to_string(fc);
      const std::vector<double> lp = lp1_impulse(fc, sr, 64);
      expect_near_all(render_r("(def r (lp1 (click) " + f + "))", 64, sr), lp, 1e-6);
      std::vector<double> hp = lp;
      for (double& v : hp) v = -v;
      hp[0] += 1;
      expect_near_all(render_r("(def r (hp1 (click) " + f + "))", 64, sr), hp, 1e-6);
    }
  }
}

// DC blocker: h[0] = 1, h[n] = R^(n-1)(R - 1) with R = exp(-2π·10/sr).
TEST(StdFilters, DcBlockerImpulseResponseAndDc) {
  const double R = std::exp(-2 * kPi * 10 / 44100);
  std::vector<double> h(256);
  for (size_t n = 0; n < h.size(); ++n) h[n] = n == 0 ? 1 : std::pow(R, double(n - 1)) * (R - 1);
  expect_near_all(render_r("(def r (dcblock (click)))", 256), h, 1e-6);
  const std::vector<float> dc = render_r("(def r (dcblock 1))", 44100);
  EXPECT_LT(std::fabs(dc.back()), 1e-3);  // a constant decays to (almost) nothing in 1 s
}

// The SVF's five outputs are the bilinear transforms (with prewarping) of
// 1, ks, s², s² + 1 and 1 - s² over s² + ks + 1, k = 1/q. With s = c(1 - z⁻¹)/(1 + z⁻¹),
// c = 1/g, the denominator is [c² + kc + 1, 2 - 2c², c² - kc + 1].
std::vector<double> svf_reference(int output, double fc, double q, double sr,
                                  const std::vector<float>& x) {
  const double c = 1 / prewarp(fc, sr), k = 1 / std::clamp(q, 0.01, 1000.0), c2 = c * c;
  const double a[3] = {c2 + k * c + 1, 2 - 2 * c2, c2 - k * c + 1};
  const double nums[5][3] = {{1, 2, 1},
                             {k * c, 0, -k * c},
                             {c2, -2 * c2, c2},
                             {c2 + 1, 2 - 2 * c2, c2 + 1},
                             {1 - c2, 2 + 2 * c2, 1 - c2}};
  const double* b = nums[output];
  std::vector<double> y(x.size());
  for (size_t n = 0; n < x.size(); ++n) {
    const double x1 = n > 0 ? x[n - 1] : 0, x2 = n > 1 ? x[n - 2] : 0;
    const double y1 = n > 0 ? y[n - 1] : 0, y2 = n > 1 ? y[n - 2] : 0;
    y[n] = (b[0] * x[n] + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2) / a[0];
  }
  return y;
}

TEST(StdFilters, StateVariableFilterMatchesTheBilinearPrototypes) {
  struct Case {
    double fc, q, sr;
  };
  for (const Case& k : {Case{800, 0.707, 44100}, Case{5000, 8, 48000}, Case{40, 0.5, 44100},
                        Case{20000, 2, 32000}, Case{90000, 3, 96000}, Case{1000, 0, 44100}}) {
    SCOPED_TRACE("fc " + std::to_string(k.fc) + " q " + std::to_string(k.q) + " sr " +
                 std::to_string(k.sr));
    const auto out = test::render_std(
        "(def x (+ (click) (* 0.3 (noise 3)))) (def (lp bp hp notch peak) (svf x " +
            std::to_string(k.fc) + " " + std::to_string(k.q) + "))",
        {"x", "lp", "bp", "hp", "notch", "peak"}, 512, k.sr);
    for (int o = 0; o < 5; ++o) {
      SCOPED_TRACE("output " + std::to_string(o));
      const std::vector<double> ref = svf_reference(o, k.fc, k.q, k.sr, out[0]);
      double peak = 0;
      for (double v : ref) peak = std::max(peak, std::fabs(v));
      expect_near_all(out[size_t(o) + 1], ref, 2e-5 * (1 + peak));
    }
  }
  const std::vector<float> lp = render_r("(def r (svf-lp (click) 800 0.707))", 64);
  const std::vector<float> hp = render_r("(def r (svf-hp (click) 800 0.707))", 64);
  const std::vector<float> bp = render_r("(def r (svf-bp (click) 800 0.707))", 64);
  std::vector<float> x(64, 0.0f);
  x[0] = 1;
  expect_near_all(lp, svf_reference(0, 800, 0.707, 44100, x), 1e-6);
  expect_near_all(bp, svf_reference(1, 800, 0.707, 44100, x), 1e-6);
  expect_near_all(hp, svf_reference(2, 800, 0.707, 44100, x), 1e-6);
}

// A cutoff swept far past Nyquist and a q down to 0 leave the filter bounded. (At q 20
// float32 and double part by a few 1e-5 of the peak: the C check is looser here.)
TEST(StdFilters, SvfStaysStableForEveryControlValue) {
  for (double sr : {22050.0, 44100.0, 192000.0}) {
    const std::vector<float> y = render_r(
        "(def r (svf-lp (noise) (* 100000 (phasor 3)) (* 20 (phasor 7))))", 8192, sr, 1e-4);
    for (float v : y) ASSERT_TRUE(std::isfinite(v) && std::fabs(v) < 100) << v;
  }
}

// Feedback comb: y[n] = g^(n/D) at multiples of D; Schroeder allpass: -g, then
// g^(k-1)(1 - g²) at n = kD.
TEST(StdFilters, CombAndAllpassImpulseResponses) {
  const int D = 7;
  const double g = 0.6;
  std::vector<double> comb(64, 0.0), allpass(64, 0.0);
  for (int n = 0; n < 64; n += D) comb[n] = std::pow(g, n / D);
  allpass[0] = -g;
  for (int n = D; n < 64; n += D) allpass[n] = std::pow(g, n / D - 1) * (1 - g * g);
  expect_near_all(render_r("(def r (comb (click) 7 0.6))", 64), comb, 1e-6);
  expect_near_all(render_r("(def r (allpass (click) 7 0.6))", 64), allpass, 1e-6);
  std::vector<double> one(64, 0.0);
  for (int n = 0; n < 64; ++n) one[n] = std::pow(-0.5, n);  // D = 1: y = x - 0.5 y[n-1]
  expect_near_all(render_r("(def r (comb (click) 1 -0.5))", 64), one, 1e-6);
}

TEST(StdFilters, GradientsMatchFiniteDifferences) {
  const std::string x = "(def x (+ (sin (* twopi (phasor 330))) (* 0.5 (noise 1)))) ";
  test::expect_gradients_match(x +
                               "(param fc @default 1500 @min 20 @max 20000)"
                               "(def r (lp1 x fc))");
  test::expect_gradients_match(x +
                               "(param fc @default 700 @min 20 @max 20000)"
                               "(def r (hp1 x fc))");
  for (const char* out : {"lp", "bp", "hp", "notch", "peak"})
    test::expect_gradients_match(x +
                                 "(param fc @default 2500 @min 20 @max 20000)"
                                 "(param q @default 1.3 @min 0.1 @max 10)"
                                 "(def (lp bp hp notch peak) (svf x fc q)) (def r " +
                                 out + ")");
  test::expect_gradients_match(x +
                               "(param g @default 0.5 @min -0.9 @max 0.9)"
                               "(def r (+ (comb x 5 g) (allpass x 3 g)))");
  test::expect_gradients_match(x +
                               "(param gain @default 0.8 @min 0 @max 2)"
                               "(def r (dcblock (* gain x)))");
}

}  // namespace
}  // namespace dgen::lisp

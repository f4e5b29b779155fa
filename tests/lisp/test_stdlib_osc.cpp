// std/osc against the formulas written here (the polyBLEP and polyBLAMP residuals on the
// rendered phase), their aliasing against the naive waveforms', and the gradients of
// their frequency and width against finite differences.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

using test::render_std;

double blep(double t, double dt) {
  if (t < dt) return 2 * (t / dt) - (t / dt) * (t / dt) - 1;
  if (t > 1 - dt) return ((t - 1) / dt + 1) * ((t - 1) / dt + 1);
  return 0;
}
double blamp(double t, double dt) {
  if (t < dt) return std::pow(1 - t / dt, 3) / 6;
  if (t > 1 - dt) return std::pow(1 - (1 - t) / dt, 3) / 6;
  return 0;
}
double frac(double x) { return x - std::floor(x); }

TEST(StdOsc, WaveformsMatchTheirFormulas) {
  const double f = 1234.5, dt = f / 44100, w = 0.3;
  const auto out = render_std(
      "(def p (phasor 1234.5)) (def saw-r (saw 1234.5)) (def pulse-r (pulse 1234.5 0.3))"
      "(def square-r (square 1234.5)) (def tri-r (tri 1234.5)) (def sine-r (sine 1234.5))",
      {"p", "saw-r", "pulse-r", "square-r", "tri-r", "sine-r"}, 2000);
  for (size_t t = 0; t < 2000; ++t) {
    const double p = out[0][t];
    ASSERT_NEAR(out[1][t], 2 * p - 1 - blep(p, dt), 2e-4) << t;
    ASSERT_NEAR(out[2][t], (p < w ? 1 : -1) + blep(p, dt) - blep(frac(p - w), dt), 2e-4) << t;
    ASSERT_NEAR(out[3][t], (p < 0.5 ? 1 : -1) + blep(p, dt) - blep(frac(p - 0.5), dt), 2e-4) << t;
    const double naive_tri = p < 0.5 ? 4 * p - 1 : 3 - 4 * p;
    ASSERT_NEAR(out[4][t], naive_tri + 8 * dt * (blamp(p, dt) - blamp(frac(p + 0.5), dt)), 2e-4)
        << t;
    ASSERT_NEAR(out[5][t], std::sin(2 * std::numbers::pi * p), 2e-5) << t;
  }
}

// Energy outside the harmonics of f = m·sr/n relative to energy on them (DC included),
// in dB, over n frames (the period divides n exactly, so only aliasing lands between
// harmonics).
double alias_db(const std::vector<float>& x, int64_t m) {
  const size_t n = x.size();
  double total = 0, harmonic = 0;
  for (float v : x) total += double(v) * v;
  total *= double(n);  // Parseval: Σ|X_k|² over all k = n Σ x²
  for (size_t k = 0; k < n / 2; k += size_t(m)) {
    double re = 0, im = 0;
    for (size_t t = 0; t < n; ++t) {
      const double a = 2 * std::numbers::pi * double(k * t % n) / double(n);
      re += x[t] * std::cos(a);
      im -= x[t] * std::sin(a);
    }
    harmonic += (k == 0 ? 1 : 2) * (re * re + im * im);  // bins k and n - k
  }
  return 10 * std::log10((total - harmonic) / harmonic);
}

TEST(StdOsc, BandLimitingRemovesMostAliasing) {
  const int64_t n = 8192, m = 181;
  char f_text[32];  // exactly m·sr/n (a dyadic fraction), so the phase increment is exact
  std::snprintf(f_text, sizeof f_text, "%.17g", 44100.0 * double(m) / double(n));
  const std::string f = f_text;
  const auto out = render_std("(def p (phasor " + f + ")) (def s (saw " + f + ")) (def q (pulse " +
                                  f + " 0.3)) (def t (tri " + f + "))",
                              {"p", "s", "q", "t"}, n);
  std::vector<float> saw(n), pulse(n), tri(n);
  for (int64_t i = 0; i < n; ++i) {
    const double p = out[0][size_t(i)];
    saw[size_t(i)] = float(2 * p - 1);
    pulse[size_t(i)] = p < 0.3 ? 1.0f : -1.0f;
    tri[size_t(i)] = float(p < 0.5 ? 4 * p - 1 : 3 - 4 * p);
  }
  EXPECT_LT(alias_db(out[1], m), alias_db(saw, m) - 12);
  EXPECT_LT(alias_db(out[2], m), alias_db(pulse, m) - 12);
  EXPECT_LT(alias_db(out[3], m), alias_db(tri, m) - 8);
}

TEST(StdOsc, FrequencyAndWidthGradientsMatchFiniteDifferences) {
  const std::string f = "(param f @default 440 @min 20 @max 2000) ";
  test::expect_gradients_match(f + "(def r (saw f))");
  test::expect_gradients_match(f +
                               "(param w @default 0.3 @min 0.05 @max 0.95) (def r (pulse f w))");
  test::expect_gradients_match(f + "(def r (tri f))");
  test::expect_gradients_match(f + "(def r (sine f))");
}

// The pinking filter is six shelves 1 + lp1: with the one-pole's G = g/(1 + g) and
// p = (1 - g)/(1 + g), each is ((1 + G) + (G - p) z⁻¹)/(1 - p z⁻¹), run here in direct
// form on an impulse; its magnitude falls 3 dB per octave within ±0.3 dB.
struct Shelf {
  double b0, b1, a1;
};
std::vector<Shelf> pinking_shelves(double sr) {
  std::vector<Shelf> shelves;
  for (double pole = 10; pole < 20000; pole *= 4) {
    const double g = std::tan(std::numbers::pi * std::min(pole, 0.49 * sr) / sr);
    const double G = g / (1 + g), p = (1 - g) / (1 + g);
    shelves.push_back({1 + G, G - p, p});
  }
  return shelves;
}

TEST(StdOsc, PinkingFilterMatchesItsShelves) {
  const std::vector<Shelf> shelves = pinking_shelves(44100);
  ASSERT_EQ(shelves.size(), 6u);
  std::vector<double> h(512, 0.0);
  h[0] = 0.125;
  for (const Shelf& s : shelves) {
    double x1 = 0, y1 = 0;
    for (double& v : h) {
      const double y = s.b0 * v + s.b1 * x1 + s.a1 * y1;
      x1 = v;
      y1 = y;
      v = y;
    }
  }
  test::expect_near_all(test::render_r("(def r (pinking (click)))", 512), h, 1e-5);
  // |H| on the unit circle: power + 3 dB per octave is flat.
  auto power_db = [&](double f) {
    const double w = 2 * std::numbers::pi * f / 44100;
    double mag = 0.125;
    for (const Shelf& s : shelves)
      mag *= std::abs((s.b0 + s.b1 * std::polar(1.0, -w)) / (1.0 - s.a1 * std::polar(1.0, -w)));
    return 20 * std::log10(mag) + 10 * std::log10(f / 1000);
  };
  for (double f = 50; f < 13000; f *= 1.1) EXPECT_NEAR(power_db(f), power_db(1000), 0.35) << f;
  // Pink noise is that filter on white noise: bounded, and not white.
  const std::vector<float> pink = test::render_r("(def r (pink))", 44100);
  double peak = 0;
  for (float v : pink) peak = std::max(peak, double(std::fabs(v)));
  EXPECT_GT(peak, 0.3);
  EXPECT_LT(peak, 2.0);
}

// A 4-sample table at sr/8 Hz: two frames per sample, so every other frame lies halfway,
// the last halfway point between sample 3 and sample 0 again.
TEST(StdOsc, WavetableInterpolatesAroundThePeriod) {
  const auto out = render_std("(def r (wavetable-osc [0 1 0.5 -1] 5512.5))", {"r"}, 10)[0];
  EXPECT_EQ(out, (std::vector<float>{0, 0.5f, 1, 0.75f, 0.5f, -0.25f, -1, -0.5f, 0, 0.5f}));
  // A trainable table (wavetable-param) has gradients. (The read is piecewise linear in
  // the frequency, so central differences of the frequency straddle its kinks.)
  test::expect_gradients_match(
      "(wavetable-param wt @shape [5] @data [0.1 0.7 -0.3 -0.8 0.2] @min -1 @max 1)"
      "(def r (wavetable-osc wt 3001))",
      64);
}

}  // namespace
}  // namespace dgen::lisp

// std/filters' shelving and peaking EQ and the ladder against the bilinear transforms of
// their analog prototypes (the cookbook's formulas, written here in s), closed-form gains
// at chosen frequencies, stability for cutoffs swept past Nyquist, and gradients against
// finite differences.
#include <cmath>

#include "bilinear.hpp"
#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

using test::Poly;

// The cookbook prototypes in s normalised to the cutoff, A = 10^(gain-db/40).
struct Prototype {
  Poly num, den;
};
Prototype eq_prototype(const std::string& name, double q, double gain_db) {
  const double A = std::pow(10, gain_db / 40), r = std::sqrt(A);
  if (name == "peak-eq") return {{1, A / q, 1}, {1, 1 / (A * q), 1}};
  if (name == "lowshelf") return {{A * A, A * r / q, A}, {1, r / q, A}};
  return {{A, A * r / q, A * A}, {A, r / q, 1}};  // highshelf
}

std::string num(double v) { return std::to_string(v); }

TEST(StdEq, ShelvesAndPeakMatchTheCookbookPrototypes) {
  struct Case {
    double fc, q, gain_db, sr;
  };
  for (const char* name : {"peak-eq", "lowshelf", "highshelf"}) {
    for (const Case& k : {Case{1000, 0.707, 6, 44100}, Case{120, 2, -12, 48000},
                          Case{8000, 0.5, 18, 96000}, Case{21000, 1, -9, 44100},
                          Case{60000, 3, 4, 48000}}) {  // above Nyquist: clamped to 0.49·sr
      SCOPED_TRACE(std::string(name) + " fc " + num(k.fc) + " q " + num(k.q) + " gain " +
                   num(k.gain_db) + " sr " + num(k.sr));
      const auto out =
          test::render_std("(def x (+ (click) (* 0.3 (noise 5)))) (def r (" + std::string(name) +
                               " x " + num(k.fc) + " " + num(k.q) + " " + num(k.gain_db) + "))",
                           {"x", "r"}, 1024, k.sr);
      const Prototype p = eq_prototype(name, k.q, k.gain_db);
      const std::vector<double> ref =
          test::bilinear_filter(p.num, p.den, test::prewarp(k.fc, k.sr), out[0]);
      double peak = 0;
      for (double v : ref) peak = std::max(peak, std::fabs(v));
      test::expect_near_all(out[1], ref, 2e-5 * (1 + peak));
    }
  }
}

// The gains the cookbook promises: the peak's gain at its centre, the low shelf's at DC,
// the high shelf's at Nyquist (where the bilinear transform puts s = ∞), half of it at
// the shelves' cutoff, and 0 dB at the far ends.
TEST(StdEq, GainsAtTheCutoffAndTheBandEdges) {
  const double sr = 48000;
  auto response = [&](const std::string& call, double freq) {
    return test::response_db(test::render_r("(def r " + call + ")", 16384, sr), freq, sr);
  };
  EXPECT_NEAR(response("(peak-eq (click) 2000 1.5 9)", 2000), 9, 1e-3);
  EXPECT_NEAR(response("(peak-eq (click) 2000 1.5 -7)", 2000), -7, 1e-3);
  EXPECT_NEAR(response("(peak-eq (click) 2000 1.5 9)", 0), 0, 1e-3);
  EXPECT_NEAR(response("(peak-eq (click) 2000 1.5 9)", 24000), 0, 1e-3);
  EXPECT_NEAR(response("(lowshelf (click) 300 0.707 -10)", 0), -10, 1e-3);
  EXPECT_NEAR(response("(lowshelf (click) 300 0.707 -10)", 300), -5, 1e-3);
  EXPECT_NEAR(response("(lowshelf (click) 300 0.707 -10)", 24000), 0, 1e-3);
  EXPECT_NEAR(response("(highshelf (click) 5000 0.707 8)", 24000), 8, 1e-3);
  EXPECT_NEAR(response("(highshelf (click) 5000 0.707 8)", 5000), 4, 1e-3);
  EXPECT_NEAR(response("(highshelf (click) 5000 0.707 8)", 0), 0, 1e-3);
}

// The ladder's small-signal response is drive·(1 + k/2)/((1 + s)⁴ + k), k = 4·resonance,
// bilinear-transformed: the input is scaled down so tanh is linear to ~1e-7.
TEST(StdLadder, SmallSignalResponseIsTheFourPolePrototype) {
  struct Case {
    double fc, resonance, drive, sr;
  };
  for (const Case& k : {Case{800, 0, 1, 44100}, Case{2500, 0.5, 2, 48000},
                        Case{300, 0.9, 0.5, 96000}, Case{30000, 0.7, 1, 44100}}) {
    SCOPED_TRACE("fc " + num(k.fc) + " resonance " + num(k.resonance) + " sr " + num(k.sr));
    const auto out = test::render_std(
        "(def x (+ (click) (* 0.3 (noise 2)))) (def r (* 1000 (ladder (* 0.001 x) " + num(k.fc) +
            " " + num(k.resonance) + " " + num(k.drive) + ")))",
        {"x", "r"}, 2048, k.sr);
    const double kk = 4 * k.resonance;
    std::vector<double> ref =
        test::bilinear_filter({1}, {1 + kk, 4, 6, 4, 1}, test::prewarp(k.fc, k.sr), out[0]);
    double peak = 0;
    for (double& v : ref) peak = std::max(peak, std::fabs(v *= k.drive * (1 + 0.5 * kk)));
    test::expect_near_all(out[1], ref, 1e-4 * (1 + peak));
  }
}

// A loud input saturates: the output stays bounded by 1 + k/2 (each stage is a lowpass of
// unity DC gain fed by tanh), even at the largest resonance, where the linear loop would
// oscillate.
TEST(StdLadder, SaturationBoundsTheOutput) {
  const std::vector<float> y =
      test::render_r("(def r (ladder (* 50 (saw 110)) 1200 1.05 4))", 8192, 44100, 1e-4);
  double peak = 0;
  for (float v : y) peak = std::max(peak, double(std::fabs(v)));
  EXPECT_LE(peak, 1 + 0.5 * 4.2);
  EXPECT_GT(peak, 0.5);
}

// Cutoffs swept from 0 to four times Nyquist, noise in, at three sample rates: finite and
// bounded for every EQ and the ladder.
TEST(StdEqLadder, StableForCutoffsSweptPastNyquist) {
  for (double sr : {44100.0, 48000.0, 96000.0}) {
    for (const char* call : {"(peak-eq x fc 4 18)", "(lowshelf x fc 0.707 -24)",
                             "(highshelf x fc 2 24)", "(ladder x fc 1 3)"}) {
      SCOPED_TRACE(std::string(call) + " sr " + num(sr));
      const std::vector<float> y =
          test::render_r("(def x (noise 4)) (def fc (* 4 samplerate (phasor 5))) (def r " +
                             std::string(call) + ")",
                         8192, sr, 1e-3);
      for (float v : y) ASSERT_TRUE(std::isfinite(v) && std::fabs(v) < 100) << v;
    }
  }
}

TEST(StdEqLadder, GradientsMatchFiniteDifferences) {
  const std::string x = "(def x (+ (sin (* twopi (phasor 330))) (* 0.5 (noise 1)))) ";
  const std::string controls =
      "(param fc @default 1500 @min 20 @max 20000)(param q @default 1.3 @min 0.1 @max 10)"
      "(param gain @default 6 @min -24 @max 24)";
  for (const char* name : {"peak-eq", "lowshelf", "highshelf"})
    test::expect_gradients_match(x + controls + "(def r (" + name + " x fc q gain))");
  test::expect_gradients_match(x +
                               "(param fc @default 1500 @min 20 @max 20000)"
                               "(param res @default 0.6 @min 0 @max 1)"
                               "(param drive @default 1.5 @min 0.1 @max 4)"
                               "(def r (ladder x fc res drive))");
}

}  // namespace
}  // namespace dgen::lisp

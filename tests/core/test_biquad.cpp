// SPEC §2.2 biquad: direct form I with the audio-EQ-cookbook coefficients, every mode,
// at two sample rates, against the recursion computed here; plus closed-form gains at DC,
// Nyquist and the cutoff that do not depend on the reference recursion.
#include <cmath>
#include <numbers>

#include "support.hpp"

namespace dgen {
namespace {

struct Coefficients {
  double b0, b1, b2, a1, a2;  // normalised by a0
};

// The cookbook, written out independently of src/ops (SPEC §2.2).
Coefficients cookbook(int mode, double cutoff, double q, double gain, double sr) {
  const double w0 = 2 * std::numbers::pi * cutoff / sr, c = std::cos(w0), s = std::sin(w0);
  const double alpha = s / (2 * q);
  double b0 = 0, b1 = 0, b2 = 0, a0 = 1 + alpha, a1 = -2 * c, a2 = 1 - alpha;
  const double A = std::sqrt(gain), k = 2 * std::sqrt(A) * alpha;
  switch (mode) {
    case 0:
      b0 = (1 - c) / 2, b1 = 1 - c, b2 = (1 - c) / 2;
      break;
    case 1:
      b0 = (1 + c) / 2, b1 = -(1 + c), b2 = (1 + c) / 2;
      break;
    case 2:
      b0 = alpha, b1 = 0, b2 = -alpha;
      break;
    case 3:
      b0 = s / 2, b1 = 0, b2 = -s / 2;
      break;
    case 4:
      b0 = 1, b1 = -2 * c, b2 = 1;
      break;
    case 5:
      b0 = 1 - alpha, b1 = -2 * c, b2 = 1 + alpha;
      break;
    case 6:  // high shelf
      b0 = A * ((A + 1) + (A - 1) * c + k);
      b1 = -2 * A * ((A - 1) + (A + 1) * c);
      b2 = A * ((A + 1) + (A - 1) * c - k);
      a0 = (A + 1) - (A - 1) * c + k;
      a1 = 2 * ((A - 1) - (A + 1) * c);
      a2 = (A + 1) - (A - 1) * c - k;
      break;
    case 7:  // low shelf
      b0 = A * ((A + 1) - (A - 1) * c + k);
      b1 = 2 * A * ((A - 1) - (A + 1) * c);
      b2 = A * ((A + 1) - (A - 1) * c - k);
      a0 = (A + 1) + (A - 1) * c + k;
      a1 = -2 * ((A - 1) + (A + 1) * c);
      a2 = (A + 1) + (A - 1) * c - k;
      break;
  }
  if (mode <= 5) b0 *= gain, b1 *= gain, b2 *= gain;
  return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

// Direct form I with coefficients that may change every frame.
struct Recursion {
  double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  double step(double x, const Coefficients& k) {
    const double y = k.b0 * x + k.b1 * x1 + k.b2 * x2 - k.a1 * y1 - k.a2 * y2;
    x2 = x1, x1 = x, y2 = y1, y1 = y;
    return y;
  }
};

void expect_close(const std::vector<float>& got, const std::vector<double>& want, double rel) {
  ASSERT_EQ(got.size(), want.size());
  double peak = 0;
  for (double w : want) peak = std::max(peak, std::fabs(w));
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], rel * (1 + peak)) << "at " << i;
}

const char* kModeNames[] = {"lowpass", "highpass", "band-pass 0 dB", "band-pass peak q",
                            "notch",   "all-pass", "high shelf",     "low shelf"};

TEST(Biquad, ImpulseResponsesOfEveryModeMatchTheRecursion) {
  const double cutoff = 1000, q = 0.8, gain = 2.0;
  const int64_t n = 512;
  for (Backend b : {Backend::Interp, Backend::C})
    for (double sr : {44100.0, 48000.0})
      for (int mode = 0; mode < 8; ++mode) {
        SCOPED_TRACE(std::string(kModeNames[mode]) + " at " + std::to_string(int(sr)) +
                     (b == Backend::C ? " on C" : " on the interpreter"));
        const auto got = test::render1(biquad(click(), cutoff, q, gain, mode), n, b, 1, sr);
        Recursion r;
        const Coefficients k = cookbook(mode, cutoff, q, gain, sr);
        std::vector<double> want;
        for (int64_t t = 0; t < n; ++t) want.push_back(r.step(t == 0 ? 1 : 0, k));
        // The interpreter computes in float64; C in float32.
        expect_close(got, want, b == Backend::C ? 2e-5 : 1e-6);
      }
}

// Steady-state gain for a constant input (DC) and for (-1)^t (Nyquist).
double settled_gain(int mode, double gain, bool nyquist) {
  const int64_t n = 6000;
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) x[size_t(t)] = nyquist && t % 2 ? -1.0f : 1.0f;
  const auto y = test::render({biquad(in(1), 2000.0, 0.7, gain, mode)}, n, Backend::Interp, 1,
                              44100, {{1, x}})[0];
  return double(y.back()) / double(x.back());
}

TEST(Biquad, GainsAtDcAndNyquist) {
  const double g = 1.5;
  struct Expect {
    int mode;
    double dc, nyquist;
  };
  // The all-pass keeps |H| = gain everywhere; at DC and Nyquist its phase is 0 and ±π.
  const Expect cases[] = {{0, g, 0}, {1, 0, g}, {2, 0, 0}, {3, 0, 0},
                          {4, g, g}, {5, g, g}, {6, 1, g}, {7, g, 1}};
  for (const Expect& e : cases) {
    SCOPED_TRACE(kModeNames[e.mode]);
    EXPECT_NEAR(settled_gain(e.mode, g, false), e.dc, 1e-4);
    EXPECT_NEAR(settled_gain(e.mode, g, true), e.nyquist, 1e-4);
  }
}

// At the cutoff: the 0 dB band-pass passes `gain`, the other band-pass q * gain, the
// notch nothing.
TEST(Biquad, GainsAtTheCutoff) {
  const double sr = 48000, f = 3000, q = 2, g = 0.5;
  const int64_t n = 20000;
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t)
    x[size_t(t)] = float(std::sin(2 * std::numbers::pi * f * double(t) / sr));
  const auto out = test::render(
      {biquad(in(1), f, q, g, 2), biquad(in(1), f, q, g, 3), biquad(in(1), f, q, g, 4)}, n,
      Backend::Interp, 1, sr, {{1, x}});
  auto amplitude = [&](const std::vector<float>& y) {
    double peak = 0;
    for (int64_t t = n - 2000; t < n; ++t) peak = std::max(peak, std::fabs(double(y[size_t(t)])));
    return peak;
  };
  EXPECT_NEAR(amplitude(out[0]), g, 1e-3);
  EXPECT_NEAR(amplitude(out[1]), q * g, 1e-3);
  EXPECT_NEAR(amplitude(out[2]), 0, 1e-3);
}

// Coefficients recomputed from the cutoff of the current frame.
TEST(Biquad, ModulatedCutoffUsesEachFramesCoefficients) {
  const int64_t n = 400;
  std::vector<float> x(static_cast<size_t>(n)), cutoff(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) {
    x[size_t(t)] = float(std::sin(0.05 * double(t)) + 0.3 * std::sin(0.9 * double(t)));
    cutoff[size_t(t)] = float(1500 + 1000 * std::sin(0.02 * double(t)));
  }
  for (int mode : {0, 5, 7}) {
    SCOPED_TRACE(kModeNames[mode]);
    const auto got = test::render({biquad(in(1), in(2), 0.9, 1.2, mode)}, n, Backend::Interp, 1,
                                  44100, {{1, x}, {2, cutoff}})[0];
    Recursion r;
    std::vector<double> want;
    for (int64_t t = 0; t < n; ++t)
      want.push_back(r.step(x[size_t(t)], cookbook(mode, cutoff[size_t(t)], 0.9, 1.2, 44100)));
    expect_close(got, want, 1e-6);
  }
}

// A signal tensor filtered with per-element cutoffs: one independent state per element.
TEST(Biquad, TensorInputHasStatePerElement) {
  const int64_t n = 300;
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) x[size_t(t)] = float(std::sin(0.3 * double(t)) + (t % 17 == 0));
  const double scale[2] = {1, -0.5}, cutoffs[2] = {500, 3000};
  const Value bank = in(1) * tensor({2}, {float(scale[0]), float(scale[1])});
  const Value y = biquad(bank, tensor({2}, {float(cutoffs[0]), float(cutoffs[1])}), 0.7, 1.0, 0);
  ASSERT_EQ(y.shape(), (Shape{2}));
  const auto got = test::render({y}, n, Backend::Interp, 1, 44100, {{1, x}})[0];
  Recursion r[2];
  std::vector<double> want;
  for (int64_t t = 0; t < n; ++t)
    for (int e = 0; e < 2; ++e)
      want.push_back(r[e].step(scale[e] * x[size_t(t)], cookbook(0, cutoffs[e], 0.7, 1.0, 44100)));
  expect_close(got, want, 1e-6);
}

}  // namespace
}  // namespace dgen

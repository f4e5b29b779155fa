// spectral_loss and mrstft_loss (SPEC §2.5): a reference written here from the formula
// (naive DFT in double), then the C backend against the interpreter.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>

#include "dgen/error.hpp"
#include "support.hpp"

namespace dgen {
namespace {

// |X_k|², k = 0..n/2, of the periodic-Hann-windowed samples x[t - n + 1 .. t] (zeros
// before frame 0), and the windowed samples' energy.
struct Spectrum {
  std::vector<double> power;
  double energy = 0;
};
Spectrum reference_spectrum(const std::vector<float>& x, int64_t t, int64_t n) {
  Spectrum s;
  for (int64_t k = 0; k <= n / 2; ++k) {
    std::complex<double> acc = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t frame = t - n + 1 + i;
      const double hann = 0.5 * (1 - std::cos(2 * std::numbers::pi * double(i) / double(n)));
      const double v = frame >= 0 ? hann * double(x[size_t(frame)]) : 0.0;
      acc += v * std::polar(1.0, -2 * std::numbers::pi * double(k * i) / double(n));
      if (k == 0) s.energy += v * v;
    }
    s.power.push_back(std::norm(acc));
  }
  return s;
}

// The loss signal of docs/TRAINING.md "Losses", frame by frame: magnitudes
// sqrt(|X|² + ε²) with ε = eps × sqrt(the mean energy of both windows so far).
std::vector<double> reference_spectral_loss(const std::vector<float>& a,
                                            const std::vector<float>& b, const SpectralOptions& o) {
  std::vector<double> loss(a.size(), 0.0);
  double energy = 0, windows = 0;
  for (int64_t t = 0; t < int64_t(a.size()); t += o.hop) {
    const Spectrum sa = reference_spectrum(a, t, o.n), sb = reference_spectrum(b, t, o.n);
    energy += sa.energy + sb.energy;
    windows += 1;
    if (t < o.n - 1) continue;
    const double floor = o.eps * o.eps * energy / windows;
    for (size_t k = 0; k < sa.power.size(); ++k) {
      const double ma = std::sqrt(sa.power[k] + floor), mb = std::sqrt(sb.power[k] + floor);
      loss[t] += o.lin_weight * std::pow(std::fabs(ma - mb), o.p);
      loss[t] += o.log_weight * std::pow(std::fabs(std::log(ma) - std::log(mb)), o.p);
    }
  }
  return loss;
}

void check_against_reference(const SpectralOptions& o) {
  SCOPED_TRACE("n " + std::to_string(o.n) + " hop " + std::to_string(o.hop) + " p " +
               std::to_string(o.p));
  const int64_t frames = 48;
  const std::vector<float> a = test::random_uniform(frames, 1), b = test::random_uniform(frames, 2);
  const std::vector<InputChannel> inputs{{1, a}, {2, b}};
  const Value loss = spectral_loss(in(1), in(2), o);
  const auto want = reference_spectral_loss(a, b, o);
  for (Backend backend : {Backend::Interp, Backend::C}) {
    const auto got = test::render({loss}, frames, backend, 1, 44100, inputs)[0];
    for (int64_t t = 0; t < frames; ++t) {
      if (want[t] == 0)
        EXPECT_EQ(got[t], 0.0f) << "frame " << t;  // not a full window's hop frame
      else
        EXPECT_NEAR(got[t], want[t], 2e-5 * (1 + std::fabs(want[t]))) << "frame " << t;
    }
  }
}

TEST(SpectralLoss, MatchesHandWrittenReferenceN8) {
  check_against_reference({.n = 8, .hop = 2, .lin_weight = 0.7, .log_weight = 1.3, .p = 1});
}
TEST(SpectralLoss, MatchesHandWrittenReferenceSquared) {
  check_against_reference(
      {.n = 8, .hop = 3, .lin_weight = 1, .log_weight = 0.5, .p = 2, .eps = 0.05});
}
TEST(SpectralLoss, MatchesHandWrittenReferenceFractionalPower) {
  check_against_reference({.n = 16, .hop = 4, .lin_weight = 0.25, .log_weight = 2, .p = 1.5});
}

double total(const std::vector<float>& signal) {
  double s = 0;
  for (float v : signal) s += v;
  return s;
}

// ε follows the sounds' level: the log term of two sounds is that of the same sounds 60 dB
// quieter (an absolute ε would weigh the quiet pair's bins differently).
TEST(SpectralLoss, LogTermIsTheSameAtAnyLevel) {
  const Value a = sin(2 * std::numbers::pi * phasor(1000.0)), b = noise(3);
  const SpectralOptions o{.n = 64, .hop = 16, .lin_weight = 0};
  const auto out = test::render({spectral_loss(a, b, o), spectral_loss(a * 1e-3, b * 1e-3, o)}, 256,
                                Backend::Interp);
  for (int64_t t = 0; t < 256; ++t) EXPECT_NEAR(out[1][t], out[0][t], 1e-5 * out[0][t]) << t;
  EXPECT_GT(total(out[0]), 1.0);
}

TEST(SpectralLoss, DefaultHopIsAQuarterWindow) {
  // Loss frames are exactly the hop frames t = 4k >= 15.
  const auto out = test::render1(spectral_loss(noise(1), noise(2), {.n = 16}), 64);
  for (int64_t t = 0; t < 64; ++t)
    EXPECT_EQ(out[t] != 0.0f, t >= 15 && t % 4 == 0) << "frame " << t;
}

TEST(SpectralLoss, IdenticalSignalsGiveZero) {
  auto tone = [] { return sin(2 * std::numbers::pi * phasor(1000.0)); };
  const Value loss = spectral_loss(tone(), tone(), {.n = 64, .hop = 16});
  for (Backend backend : {Backend::Interp, Backend::C})
    for (float v : test::render1(loss, 512, backend)) ASSERT_EQ(v, 0.0f);
}

// The sine's far bins are near silent: their float32 magnitudes carry the FFT's rounding
// (~1e-7 of the peak), which the log term magnifies, and p = 2 squares. Hence 5e-4.
TEST(SpectralLoss, BackendsAgree) {
  const Value a = noise(4), b = sin(2 * std::numbers::pi * phasor(3000.0)) * 0.5;
  for (int lanes : {1, 3}) {
    SCOPED_TRACE("lanes " + std::to_string(lanes));
    test::expect_backends_agree({spectral_loss(a, b, {.n = 128, .hop = 32}),
                                 spectral_loss(a, b, {.n = 32, .hop = 8, .p = 2})},
                                600, lanes, 5e-4);
  }
}

TEST(SpectralMrstft, DifferentSinesArePositiveIdenticalAreZero) {
  auto sine = [](double hz) { return sin(2 * std::numbers::pi * phasor(hz)); };
  const MrstftOptions o{.sizes = {256, 128, 64}, .frames = 2048};
  EXPECT_GT(total(test::render1(mrstft_loss(sine(440), sine(660), o), 2048)), 0.1);
  EXPECT_EQ(total(test::render1(mrstft_loss(sine(440), sine(440), o), 2048)), 0.0);
}

// Each size's loss is divided by its bins (n/2 + 1) and its full windows in `frames`.
TEST(SpectralMrstft, IsTheMeanOverBinsAndWindows) {
  const int64_t frames = 40;
  const Value a = noise(5), b = noise(6);
  const Value mean = mrstft_loss(a, b, {.sizes = {8, 16}, .hop_divisor = 4, .frames = frames});
  const Value per_bin = mrstft_loss(a, b, {.sizes = {8, 16}, .hop_divisor = 4});
  const Value l8 = spectral_loss(a, b, {.n = 8, .hop = 2}),
              l16 = spectral_loss(a, b, {.n = 16, .hop = 4});
  const auto out = test::render({mean, per_bin, l8, l16}, frames, Backend::Interp);
  // Full windows in 40 frames: n = 8, hop 2: t = 8, 10, .., 38 (16); n = 16, hop 4: t = 16, .., 36
  // (6).
  for (int64_t t = 0; t < frames; ++t) {
    EXPECT_NEAR(out[0][t], out[2][t] / (5 * 16) + out[3][t] / (9 * 6), 1e-6) << "frame " << t;
    EXPECT_NEAR(out[1][t], out[2][t] / 5 + out[3][t] / 9, 1e-5) << "frame " << t;
  }
}

TEST(SpectralMrstft, BackendsAgree) {
  const Value a = noise(7), b = sin(2 * std::numbers::pi * phasor(2500.0));
  const Value loss = mrstft_loss(a, b, {.sizes = {256, 64}, .frames = 1024});
  for (int lanes : {1, 3}) test::expect_backends_agree({loss}, 1024, lanes, 1e-4);
}

TEST(SpectralErrors, LossOptions) {
  const Value a = noise(1), b = noise(2);
  EXPECT_THROW(spectral_loss(a, b, {.n = 12}), Error);
  EXPECT_THROW(spectral_loss(a, b, {.n = 8, .hop = -1}), Error);
  EXPECT_THROW(spectral_loss(a, b, {.n = 8, .p = 0}), Error);
  EXPECT_THROW(spectral_loss(buffer(a, 4), b, {.n = 8}), Error);
  EXPECT_THROW(mrstft_loss(a, b, {.sizes = {}}), Error);
  EXPECT_THROW(mrstft_loss(a, b, {.hop_divisor = 0}), Error);
  EXPECT_THROW(mrstft_loss(a, b, {.sizes = {64, 48}}), Error);
}

}  // namespace
}  // namespace dgen

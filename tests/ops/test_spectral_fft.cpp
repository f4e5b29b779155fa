// fft and ifft (SPEC §2.3) against a naive DFT written here, on the interpreter and the
// C backend.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>

#include "dgen/error.hpp"
#include "support.hpp"

namespace dgen {
namespace {

// X_k = Σ_n x_n e^{sign·2πikn/N} of every row of length n, in double.
std::vector<std::complex<double>> naive_dft(const std::vector<std::complex<double>>& x, int64_t n,
                                            double sign) {
  std::vector<std::complex<double>> out(x.size());
  for (size_t o = 0; o < x.size(); o += size_t(n))
    for (int64_t k = 0; k < n; ++k) {
      std::complex<double> acc = 0;
      for (int64_t j = 0; j < n; ++j)
        acc += x[o + j] * std::polar(1.0, sign * 2 * std::numbers::pi * double(k * j) / double(n));
      out[o + k] = acc;
    }
  return out;
}

// A static tensor's value: the first frame of its render.
std::vector<float> value_of(const Value& v, Backend backend = Backend::Interp) {
  return test::render1(v, 1, backend);
}

void check_fft_against_dft(const Shape& shape) {
  SCOPED_TRACE("shape " + to_string(shape));
  const int64_t count = numel(shape), n = shape.back();
  const std::vector<float> data = test::random_uniform(count, uint32_t(count));
  const auto [re, im] = fft(tensor(shape, data));
  EXPECT_EQ(re.shape(), shape);
  EXPECT_EQ(im.shape(), shape);
  std::vector<std::complex<double>> x(data.begin(), data.end());
  const auto want = naive_dft(x, n, -1);
  std::vector<float> want_re, want_im;
  for (const auto& z : want) want_re.push_back(float(z.real())), want_im.push_back(float(z.imag()));
  test::expect_close_to_reference(value_of(re), want_re, 1e-6);
  test::expect_close_to_reference(value_of(im), want_im, 1e-6);
  // The C backend computes in float32: a looser bound that still catches a wrong bin.
  test::expect_close_to_reference(value_of(re, Backend::C), want_re, 1e-5);
  test::expect_close_to_reference(value_of(im, Backend::C), want_im, 1e-5);
}

TEST(SpectralFft, MatchesNaiveDft8) { check_fft_against_dft({8}); }
TEST(SpectralFft, MatchesNaiveDft64) { check_fft_against_dft({64}); }
TEST(SpectralFft, MatchesNaiveDft1024) { check_fft_against_dft({1024}); }
TEST(SpectralFft, MatchesNaiveDftBatch3x16) { check_fft_against_dft({3, 16}); }
TEST(SpectralFft, LengthOneIsIdentity) { check_fft_against_dft({1}); }

// Long transforms: compiled code keeps one stage's twiddles in a table of up to 4096, and
// rotates them as it goes in wider stages (N = 16384 has one such stage).
TEST(SpectralFft, LongTransformsMatchTheInterpreter) {
  for (int64_t n : {8192, 16384}) {
    SCOPED_TRACE("n " + std::to_string(n));
    const auto [re, im] = fft(tensor({n}, test::random_uniform(n, uint32_t(n))));
    for (const Value& part : {re, im})
      test::expect_close_to_reference(value_of(part, Backend::C), value_of(part), 1e-5);
  }
}

TEST(SpectralFft, IfftMatchesNaiveInverseDft) {
  const int64_t n = 16;
  const std::vector<float> re_data = test::random_uniform(2 * n, 5),
                           im_data = test::random_uniform(2 * n, 6);
  const Value y = ifft(tensor({2, n}, re_data), tensor({2, n}, im_data));
  EXPECT_EQ(y.shape(), (Shape{2, n}));
  std::vector<std::complex<double>> spectrum;
  for (size_t k = 0; k < re_data.size(); ++k) spectrum.emplace_back(re_data[k], im_data[k]);
  std::vector<float> want;
  for (const auto& z : naive_dft(spectrum, n, +1)) want.push_back(float(z.real() / double(n)));
  test::expect_close_to_reference(value_of(y), want, 1e-6);
  test::expect_close_to_reference(value_of(y, Backend::C), want, 1e-5);
}

TEST(SpectralFft, IfftOfFftIsTheInput) {
  for (int64_t n : {8, 256}) {
    const std::vector<float> data = test::random_uniform(n, uint32_t(n));
    const auto [re, im] = fft(tensor({n}, data));
    for (Backend b : {Backend::Interp, Backend::C})
      test::expect_close_to_reference(value_of(ifft(re, im), b), data, 1e-5);
  }
}

// A window of a signal at hop rate: the FFT runs on hop frames, on both backends and lanes.
TEST(SpectralFft, OfSignalWindowsBackendsAgree) {
  const Value w = buffer(noise(13), 32, 8) * hann(32);
  const auto [re, im] = fft(w);
  EXPECT_EQ(re.rate(), Rate::every(8));
  for (int lanes : {1, 3}) {
    SCOPED_TRACE("lanes " + std::to_string(lanes));
    test::expect_backends_agree({re, im, ifft(re, im)}, 300, lanes);
  }
}

// Frame t's spectrum of buffer(x, 8) equals the DFT of the window the test builds itself.
TEST(SpectralFft, OfSignalWindowsMatchesDftOfTheWindow) {
  const int64_t n = 8, frames = 20;
  const Value x = noise(17);
  const auto [re, im] = fft(buffer(x, n, 1));
  const auto out = test::render({x, re, im}, frames, Backend::Interp);
  for (int64_t t = 0; t < frames; ++t) {
    std::vector<std::complex<double>> window;
    for (int64_t i = 0; i < n; ++i)
      window.emplace_back(t - n + 1 + i < 0 ? 0.0 : out[0][t - n + 1 + i]);
    const auto want = naive_dft(window, n, -1);
    for (int64_t k = 0; k < n; ++k) {
      EXPECT_NEAR(out[1][t * n + k], want[k].real(), 1e-5) << "frame " << t << " bin " << k;
      EXPECT_NEAR(out[2][t * n + k], want[k].imag(), 1e-5) << "frame " << t << " bin " << k;
    }
  }
}

TEST(SpectralErrors, FftOfNonPowerOfTwo) {
  try {
    fft(zeros({6}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("power of two"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[6]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(fft(zeros({4, 12})), Error);
  EXPECT_THROW(fft(noise()), Error);  // a scalar
  EXPECT_THROW(ifft(zeros({8}), zeros({4})), Error);
}

}  // namespace
}  // namespace dgen

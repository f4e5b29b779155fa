// Complex arithmetic, polar spectra, window tensors and the im2col view (docs/LANGUAGE.md,
// "Complex spectra and windows"): closed forms, the C backend against the interpreter and
// gradients against finite differences.
#include <cmath>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "dgen/ops_audio.hpp"
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_error;
using tensor_test::expect_values;
using tensor_test::vec;

constexpr double kPi = std::numbers::pi;

TEST(Complex, MulAndConjAreTheClosedForms) {
  // (1 + 2i)(3 - 4i) = 11 + 2i; (0.5 - i)(2 + 2i) = 3 - i
  auto [re, im] = complex_mul(vec({1, 0.5f}), vec({2, -1}), vec({3, 2}), vec({-4, 2}));
  expect_values(re, {2}, {11, 3});
  expect_values(im, {2}, {2, -1});
  auto [cr, ci] = complex_conj(vec({1, -2}), vec({3, -4}));
  expect_values(cr, {2}, {1, -2});
  expect_values(ci, {2}, {-3, 4});
}

TEST(Complex, PolarFftOfACosineAndBack) {
  // x[n] = cos(2π n / 8 + π/4): bins 1 and 7 have magnitude 4 and phases ±π/4.
  std::vector<float> x(8);
  for (int n = 0; n < 8; ++n) x[size_t(n)] = float(std::cos(2 * kPi * n / 8 + kPi / 4));
  auto [mag, phase] = polar_fft(vec(x));
  expect_values(mag, {8}, {0, 4, 0, 0, 0, 0, 0, 4}, 1e-5);
  const auto ph = test::render1(phase, 1);
  EXPECT_NEAR(ph[1], kPi / 4, 1e-5);
  EXPECT_NEAR(ph[7], -kPi / 4, 1e-5);
  auto [re, im] = rect_from_polar(mag, phase);
  expect_values(ifft(re, im), {8}, std::vector<double>(x.begin(), x.end()), 1e-5);
}

TEST(Complex, CompiledMatchesAndGradientsAreExact) {
  Param a("a", Shape{8}, {0.3f, -0.2f, 0.7f, 0.1f, 0.5f, -0.6f, 0.2f, 0.9f});
  const Value x = a * (1.0 + phasor(900.0));
  auto [mag, phase] = polar_fft(x);
  auto [re, im] = rect_from_polar(mag * vec({1, 2, 3, 4, 4, 3, 2, 1}), phase);
  auto [pr, pi] = complex_mul(re, im, mag, phase);
  const Value loss = sum(ifft(re, im) * vec({1, -1, 2, 0, 1, 3, -2, 1})) + 0.01 * sum(pr + pi);
  test::expect_backends_agree({loss}, 64);
  GradCheckOptions o;
  o.frames = 8;
  const GradCheckResult r = check_gradients(loss, {a}, o);
  EXPECT_TRUE(r.ok) << r.report();
}

TEST(Window, PeriodicClosedForms) {
  const double c1 = std::cos(2 * kPi / 4), c2 = std::cos(4 * kPi / 4);
  expect_values(window(WindowType::Hann, 4), {4}, {0, 0.5, 1, 0.5});
  expect_values(window(WindowType::Hamming, 4), {4},
                {0.08, 0.54 - 0.46 * c1, 0.54 - 0.46 * c2, 0.54 - 0.46 * c1});
  expect_values(window(WindowType::Blackman, 4), {4},
                {0.0, 0.42 - 0.5 * c1 + 0.08 * std::cos(2 * 2 * kPi / 4), 1.0,
                 0.42 - 0.5 * c1 + 0.08 * std::cos(2 * 2 * kPi / 4)},
                1e-5);
  expect_error([] { window(WindowType::Blackman, 0); }, "size must be >= 1");
}

TEST(Windows, EveryPatchInOrder) {
  // x = [[0 1 2] [3 4 5] [6 7 8]], 2 x 2 patches: [[0 1 3 4] [1 2 4 5] [3 4 6 7] [4 5 7 8]]
  const Value w = windows(tensor({3, 3}, tensor_test::iota_data(9)), 2, 2);
  expect_values(w, {2, 2, 2, 2}, {0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8});
  expect_error([] { windows(vec({1, 2}), 1, 1); }, "windows: expects a 2-D tensor");
  expect_error([] { windows(tensor({2, 2}, {1, 2, 3, 4}), 3, 1); }, "does not fit");
}

TEST(Windows, AdjointAddsIntoOverlappingElements) {
  Param p("p", Shape{3, 4}, tensor_test::iota_data(12, 0.5f));
  // d/dp of sum(windows(p)) counts the patches each element is in.
  backward(sum(windows(p, 2, 3)), 1, {.backend = Backend::Interp});
  EXPECT_EQ(p.grad(), (std::vector<double>{1, 2, 2, 1, 2, 4, 4, 2, 1, 2, 2, 1}));
  const Value loss = sum(windows(p * p, 2, 2) * randn({2, 3, 2, 2}, 4)) * (1.0 + phasor(2000.0));
  GradCheckOptions o;
  o.frames = 6;
  const GradCheckResult r = check_gradients(loss, {p}, o);
  EXPECT_TRUE(r.ok) << r.report();
  test::expect_backends_agree({loss}, 16);
}

}  // namespace
}  // namespace dgen

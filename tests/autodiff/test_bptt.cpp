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
  const double r = 0.9;
  double expect_loss = 0, expect_grad = 0;
  for (int n = 0; n < 64; ++n) {
    expect_loss += std::pow(r, 2 * n);
    expect_grad += 2 * n * std::pow(r, 2 * n - 1);
  }
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interp");
    Param rate("r", float(r));
    History h({}, {1.0f});
    const Value y = h.read();
    h.write(rate * y);
    const double loss = backward(y * y, 64, on(b));
    const double tol = b == Backend::C ? 1e-5 : 1e-12;
    EXPECT_NEAR(loss, expect_loss, tol * expect_loss);
    EXPECT_NEAR(rate.grad()[0], expect_grad, tol * expect_grad);
  }
}

}  // namespace
}  // namespace dgen

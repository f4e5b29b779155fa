// Finite-difference checks of the elementwise ops' adjoint rules (SPEC §2.1 derivatives),
// on the reference interpreter in float64, and of broadcasting (the adjoint of a
// broadcast input is summed over the broadcast dimensions).
#include <functional>

#include "autodiff/check_gradients.hpp"
#include "support.hpp"

namespace dgen {
namespace {

// Two frame-varying inputs a = pa + qa·noise and b = pb + qb·noise (other stream), each
// affine in two params, so every op sees a different value every frame and both the
// offset and the slope params have gradients. The loss weights frames with a third noise.
struct Case {
  const char* name;
  std::function<Value(const Value& a, const Value& b)> op;
  float pa, qa, pb, qb;  // a in [pa - qa, pa + qa), b likewise: away from kinks and poles
};

void check_case(const Case& c) {
  SCOPED_TRACE(c.name);
  Param pa("pa", c.pa), qa("qa", c.qa), pb("pb", c.pb), qb("qb", c.qb);
  const Value a = pa + qa * noise(1), b = pb + qb * noise(2);
  const Value loss = c.op(a, b) * (1.5 + noise(3));
  const GradCheckResult r = check_gradients(loss, {pa, qa, pb, qb});
  EXPECT_TRUE(r.ok) << r.report();
  // The check is only meaningful if gradients flow.
  double largest = 0;
  for (const auto& e : r.entries) largest = std::max(largest, std::fabs(e.analytic));
  EXPECT_GT(largest, 1e-3) << r.report();
}

TEST(ElementwiseGrads, MatchFiniteDifferences) {
  const std::vector<Case> cases = {
      {"add", [](auto a, auto b) { return a + b; }, 0.3f, 0.5f, -0.2f, 0.4f},
      {"sub", [](auto a, auto b) { return a - b; }, 0.3f, 0.5f, -0.2f, 0.4f},
      {"mul", [](auto a, auto b) { return a * b; }, 0.3f, 0.5f, -0.2f, 0.4f},
      {"div", [](auto a, auto b) { return a / b; }, 0.3f, 0.5f, 2.0f, 0.5f},
      {"neg", [](auto a, auto) { return -a; }, 0.3f, 0.5f, 0, 0},
      {"sin", [](auto a, auto) { return sin(a); }, 0.3f, 2.0f, 0, 0},
      {"cos", [](auto a, auto) { return cos(a); }, 0.3f, 2.0f, 0, 0},
      {"tan", [](auto a, auto) { return tan(a); }, 0.1f, 1.0f, 0, 0},
      {"atan", [](auto a, auto) { return atan(a); }, 0.3f, 2.0f, 0, 0},
      {"tanh", [](auto a, auto) { return tanh(a); }, 0.3f, 2.0f, 0, 0},
      {"exp", [](auto a, auto) { return exp(a); }, 0.3f, 1.0f, 0, 0},
      {"log", [](auto a, auto) { return log(a); }, 2.0f, 1.0f, 0, 0},
      {"log10", [](auto a, auto) { return log10(a); }, 2.0f, 1.0f, 0, 0},
      {"sqrt", [](auto a, auto) { return sqrt(a); }, 2.0f, 1.0f, 0, 0},
      {"abs", [](auto a, auto) { return abs(a); }, 0.1f, 1.0f, 0, 0},
      {"relu", [](auto a, auto) { return relu(a); }, 0.1f, 1.0f, 0, 0},
      {"sigmoid", [](auto a, auto) { return sigmoid(a); }, 0.3f, 3.0f, 0, 0},
      {"pow", [](auto a, auto b) { return pow(a, b); }, 2.0f, 1.0f, 1.5f, 1.0f},
      {"atan2", [](auto a, auto b) { return atan2(a, b); }, 0.3f, 1.0f, -0.5f, 1.0f},
      {"min", [](auto a, auto b) { return min(a, b); }, 0.3f, 1.0f, -0.2f, 1.0f},
      {"max", [](auto a, auto b) { return max(a, b); }, 0.3f, 1.0f, -0.2f, 1.0f},
      // a / b in (2.12, 2.59): no jump of the truncated quotient.
      {"mod", [](auto a, auto b) { return mod(a, b); }, 2.0f, 0.2f, 0.85f, 0.0f},
      // Conditions that do not depend on params: the branch taken never flips under a step.
      {"gswitch", [](auto a, auto b) { return gswitch(noise(4), a * a, b * 3.0); }, 0.1f, 1.0f,
       0.3f, 0.5f},
      {"comparisons",
       [](auto a, auto b) { return a * (gt(a, b) + lt(a, b) + gte(a, b) + lte(a, b) + eq(a, b)); },
       0.1f, 1.0f, 0.2f, 1.0f},
      {"rounding", [](auto a, auto) { return a * (floor(a) + ceil(a) + round(a) + sign(a)); }, 0.3f,
       0.15f, 0, 0},
      // Compositions of the above (SPEC §2.1).
      {"wrap", [](auto a, auto b) { return wrap(a, b, b + 2.0); }, 0.5f, 0.3f, -0.25f, 0.1f},
      {"clip", [](auto a, auto b) { return clip(a, b, b + 0.8); }, 0.3f, 1.0f, -0.2f, 0.1f},
      {"scale", [](auto a, auto b) { return scale(a, 0.0, b, -1.0, b * b); }, 0.3f, 1.0f, 2.0f,
       0.5f},
      {"mix", [](auto a, auto b) { return mix(a, b, a * b); }, 0.3f, 1.0f, -0.2f, 1.0f},
      {"triangle", [](auto a, auto b) { return triangle(a, b); }, 0.5f, 0.45f, 0.5f, 0.1f},
      {"selector",
       [](auto a, auto b) {
         return selector(noise(4) * 2.0 + 2.5, {a, b, a * b});
       },
       0.3f, 1.0f, -0.2f, 1.0f},
      {"mse", [](auto a, auto b) { return mse(a, b); }, 0.3f, 1.0f, -0.2f, 1.0f},
      {"l1", [](auto a, auto b) { return l1(a, b); }, 0.3f, 1.0f, -0.2f, 1.0f},
  };
  for (const Case& c : cases) check_case(c);
}

// Zero-derivative ops pass no gradient, so a loss that only sees a param through them has
// a zero gradient (not an error).
TEST(ElementwiseGrads, ZeroDerivativeOpsGiveZero) {
  Param p("p", 0.7f);
  const Value loss = floor(p * noise(1) * 10.0) + gt(p, 0.5);
  backward(loss, 16, {.backend = Backend::Interp});
  EXPECT_EQ(p.grad()[0], 0.0);
}

// A [3] param times a scalar signal: the adjoint of each element sums over frames; a
// [2, 1] param times a [3] param broadcasts to [2, 3] and sums over the broadcast axis.
TEST(ElementwiseGrads, BroadcastingSumsOverBroadcastDimensions) {
  Param v("v", {3}, {0.5f, -1.0f, 2.0f}), w("w", {2, 1}, {0.25f, -0.75f}), s("s", 0.3f);
  const Value x = sin(s * 10.0 + noise(1));
  const Value loss = (v * x) * (v * x) + w * v * x;
  const GradCheckResult r = check_gradients(loss, {v, w, s});
  EXPECT_TRUE(r.ok) << r.report();
  // Closed form for w: d/dw_i Σ_t Σ_j w_i v_j x_t = Σ_t Σ_j v_j x_t, the same for both rows.
  ASSERT_EQ(r.entries.size(), 6u);
  EXPECT_NEAR(r.entries[3].analytic, r.entries[4].analytic, 1e-12);
}

}  // namespace
}  // namespace dgen

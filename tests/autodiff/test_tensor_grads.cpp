// Gradients through tensor views, reductions and matmul, and through the spectral losses
// built from them, against finite differences (SPEC §2.4, §2.5, §3).
#include <cmath>
#include <functional>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

// A tensor param with distinct, tie-free values.
Param tensor_param(const std::string& name, Shape shape, uint32_t seed) {
  std::vector<float> v(static_cast<size_t>(numel(shape)));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = float(0.3 + 0.7 * std::sin(1.7 * double(i + 1) + seed));
  return Param(name, std::move(shape), std::move(v));
}

// Σ_t Σ (W ⊙ f(P)) (1 + noise): a random weight per element, a frame-varying scale.
void check_op(const char* name, const std::function<Value(const Value&)>& f, Shape shape) {
  SCOPED_TRACE(name);
  Param p = tensor_param("p", std::move(shape), 3);
  const Value y = f(p);
  const Value loss = sum(y * randn(y.shape(), 11)) * (1.0 + noise(1));
  GradCheckOptions o;
  o.frames = 8;
  const GradCheckResult r = check_gradients(loss, {p}, o);
  EXPECT_TRUE(r.ok) << r.report();
}

TEST(TensorGrads, ViewsMatchFiniteDifferences) {
  check_op("reshape", [](const Value& x) { return reshape(x, {3, 2}); }, {2, 3});
  check_op("transpose", [](const Value& x) { return transpose(x, {2, 0, 1}); }, {2, 3, 4});
  check_op("transpose default", [](const Value& x) { return transpose(x); }, {2, 3});
  check_op("shrink", [](const Value& x) { return shrink(x, {{1, 3}, {0, 4}}); }, {4, 5});
  check_op("pad", [](const Value& x) { return pad(x, {{1, 0}, {2, 1}}); }, {2, 3});
  check_op("expand", [](const Value& x) { return expand(x, {2, 3, 4}); }, {3, 1});
  check_op("repeat", [](const Value& x) { return repeat(x, {2, 3}); }, {2, 3});
}

TEST(TensorGrads, ReductionsMatchFiniteDifferences) {
  check_op("sum", [](const Value& x) { return sum(x * x); }, {2, 3});
  check_op("mean", [](const Value& x) { return mean(x * x); }, {2, 3});
  check_op("max", [](const Value& x) { return max(x) * x; }, {2, 3});
  check_op("sum_axis", [](const Value& x) { return sum_axis(x * x, 1); }, {2, 3, 2});
  check_op("mean_axis", [](const Value& x) { return mean_axis(x * x, -1); }, {2, 3});
  check_op("max_axis", [](const Value& x) { return max_axis(x, 0); }, {3, 4});
  check_op("cumsum", [](const Value& x) { return cumsum(x * x, 1); }, {2, 4});
  check_op("softmax", [](const Value& x) { return softmax(x, -1); }, {2, 3});
}

// max splits its adjoint evenly between tied elements.
TEST(TensorGrads, MaxSplitsTies) {
  Param p("p", Shape{3}, {1.0f, 3.0f, 3.0f});
  backward(max(p), 1, {.backend = Backend::Interp});
  EXPECT_EQ(p.grad(), (std::vector<double>{0.0, 0.5, 0.5}));
}

TEST(TensorGrads, MatmulMatchesFiniteDifferences) {
  Param a = tensor_param("a", {2, 3}, 1), b = tensor_param("b", {3, 4}, 2),
        batched = tensor_param("c", {2, 3, 2}, 5);
  const Value ab = matmul(a, b);
  const Value loss = sum(ab * randn({2, 4}, 1)) * (1.0 + noise(1)) +
                     sum(matmul(batched, ab) * randn({2, 3, 4}, 2));
  const GradCheckResult r = check_gradients(loss, {a, b, batched}, {.frames = 8});
  EXPECT_TRUE(r.ok) << r.report();
}

TEST(TensorGrads, ConvolutionsMatchFiniteDifferences) {
  for (Padding padding : {Padding::Valid, Padding::Same}) {
    SCOPED_TRACE(padding == Padding::Same ? "same" : "valid");
    Param x1 = tensor_param("x1", {7}, 1), xc = tensor_param("xc", {2, 6}, 2),
          k1 = tensor_param("k1", {3}, 3);
    Param x2 = tensor_param("x2", {4, 5}, 4), xb = tensor_param("xb", {2, 4, 4}, 5),
          k2 = tensor_param("k2", {2, 3}, 6);
    auto weighted = [](const Value& y) { return sum(y * randn(y.shape(), 7)); };
    const Value loss = (weighted(conv1d(x1, k1, padding)) + weighted(conv1d(xc, k1, padding)) +
                        weighted(conv2d(x2, k2, padding)) + weighted(conv2d(xb, k2, padding))) *
                       (1.0 + noise(1));
    const GradCheckResult r = check_gradients(loss, {x1, xc, k1, x2, xb, k2}, {.frames = 4});
    EXPECT_TRUE(r.ok) << r.report();
  }
}

// Reads at positions that move every frame: the table gets scatter-added adjoints, the
// positions the slope of the interpolation.
TEST(TensorGrads, ReadsMatchFiniteDifferences) {
  Param table = tensor_param("table", {6}, 1), grid = tensor_param("grid", {4, 3}, 2),
        cube = tensor_param("cube", {3, 2, 2}, 3);
  Param at("at", 2.3f), spread("spread", 1.4f), column("column", 0.6f);
  const Value index = at + spread * noise(1), channel = column + 0.3 * noise(2);
  const Value loss = peek(table, index) * noise(3) + peek(grid, index * 0.5, channel) * noise(4) +
                     sum(peek_row(grid, index * 0.4) * randn({3}, 1)) +
                     sum(peek_row(cube, index * 0.3) * randn({2, 2}, 2)) +
                     gather(table, index + 1.0) * noise(5) + to_signal(grid) * noise(6) +
                     sample(table, index * 0.3) * noise(7);
  GradCheckOptions o;
  o.frames = 40;
  const GradCheckResult r = check_gradients(loss, {table, grid, cube, at, spread, column}, o);
  EXPECT_TRUE(r.ok) << r.report();
}

TEST(TensorGrads, BackendsMatchInterpreter) {
  auto grads = [](Backend b) {
    Param m = tensor_param("m", {3, 4}, 1), k = tensor_param("k", {3}, 2),
          table = tensor_param("table", {8}, 3);
    const Value v = matmul(m, reshape(table * 0.5, {4, 2}));
    const Value index =
        3.37 +
        2.5 * sin(kTwoPi * phasor(700.0));  // off whole numbers: floor agrees in float and double
    const Value loss = sum(cumsum(conv1d(v, k, Padding::Same), 0) * randn({3, 2}, 4)) * noise(1) +
                       max(v) * peek(table, index) + gather(table, index) * noise(2);
    backward(loss, 64, {.backend = b});
    std::vector<double> g;
    for (const Param& p : {m, k, table}) g.insert(g.end(), p.grad().begin(), p.grad().end());
    return g;
  };
  test::expect_gradients_agree(grads, 1e-3, 1);
}

// Two partials in different bins: each amplitude and frequency gets the contributions of
// every window and every bin (SPEC §2.5).
TEST(TensorGrads, SpectralLossMatchesFiniteDifferences) {
  Param a1("a1", 0.6f), f1("f1", 2900.0f), a2("a2", 0.25f), f2("f2", 9100.0f);
  const Value x = a1 * sin(kTwoPi * phasor(f1)) + a2 * sin(kTwoPi * phasor(f2));
  const Value target = 0.5 * sin(kTwoPi * phasor(3000.0)) + 0.3 * sin(kTwoPi * phasor(9000.0));
  for (double p : {1.0, 2.0}) {
    SCOPED_TRACE("p = " + std::to_string(p));
    const Value loss = spectral_loss(x, target, {.n = 64, .hop = 16, .p = p});
    GradCheckOptions o;
    o.frames = 200;
    o.grad.checkpoint = 40;  // windows span segments
    // Magnitudes of near-empty bins and |.| (p = 1) have kinks: finite differences need
    // steps small enough not to cross them.
    o.relative_step = std::exp2(-20);
    const GradCheckResult r = check_gradients(loss, {a1, f1, a2, f2}, o);
    EXPECT_TRUE(r.ok) << r.report();
    for (const auto& e : r.entries) EXPECT_GT(std::fabs(e.analytic), 1e-3) << e.param;
  }
}

TEST(TensorGrads, SpectralLossBackendsMatchInterpreter) {
  auto grads = [](Backend b) {
    Param a1("a1", 0.6f), f1("f1", 2900.0f);
    const Value x = a1 * sin(kTwoPi * phasor(f1)) + 0.2 * noise(3);
    const Value loss = mrstft_loss(x, 0.5 * sin(kTwoPi * phasor(3000.0)), {.sizes = {128, 32}});
    backward(loss, 600, {.backend = b});
    return std::vector<double>{a1.grad()[0], f1.grad()[0]};
  };
  test::expect_gradients_agree(grads, 2e-3);
}

}  // namespace
}  // namespace dgen

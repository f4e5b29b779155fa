// SPEC §2.1 on the reference interpreter: every elementwise op against hand-computed
// values, broadcasting between scalars, tensors and signals, and the rate rule.
#include <cmath>
#include <numbers>

#include "support.hpp"

namespace dgen {
namespace {

using std::numbers::pi;
const double kE = std::numbers::e;
const double kLn2 = std::numbers::ln2;
const double kLn3 = std::log(3.0);

Value vec(const std::vector<double>& xs) {
  return tensor({int64_t(xs.size())}, std::vector<float>(xs.begin(), xs.end()));
}

// Renders a value (static or frame) on the interpreter and compares every float it
// produces with `want`, allowing for float32 storage.
void expect_values(const Value& v, int64_t frames, const std::vector<double>& want,
                   Backend backend = Backend::Interp,
                   const std::vector<InputChannel>& inputs = {}) {
  const auto got = test::render({v}, frames, backend, 1, 44100, inputs)[0];
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-6 * (1 + std::fabs(want[i]))) << "element " << i;
}
void expect_values(const Value& v, const std::vector<double>& want) { expect_values(v, 1, want); }

struct UnaryCase {
  const char* name;
  Value (*op)(const Value&);
  std::vector<double> in, want;
};

TEST(Elementwise, UnaryOpsMatchHandComputedValues) {
  const UnaryCase cases[] = {
      {"neg", &neg, {1.5, -2, 0}, {-1.5, 2, 0}},
      {"sin", &sin, {0, pi / 6, pi / 2, -pi / 2}, {0, 0.5, 1, -1}},
      {"cos", &cos, {0, pi / 3, pi}, {1, 0.5, -1}},
      {"tan", &tan, {0, pi / 4, -pi / 4}, {0, 1, -1}},
      {"atan", &atan, {0, 1, -1}, {0, pi / 4, -pi / 4}},
      {"tanh", &tanh, {0, kLn2 / 2, -kLn2 / 2, 20}, {0, 1.0 / 3, -1.0 / 3, 1}},
      {"exp", &exp, {0, 1, 3 * kLn2}, {1, kE, 8}},
      {"log", &log, {1, kE, 0.125}, {0, 1, -3 * kLn2}},
      {"log10", &log10, {1, 1000, 0.01}, {0, 3, -2}},
      {"sqrt", &sqrt, {0, 16, 2.25}, {0, 4, 1.5}},
      {"abs", &abs, {-3, 0, 2.5}, {3, 0, 2.5}},
      {"sign", &sign, {-3, 0, 2.5}, {-1, 0, 1}},
      {"floor", &floor, {1.5, -1.5, 2, -0.25}, {1, -2, 2, -1}},
      {"ceil", &ceil, {1.5, -1.5, 2, -0.25}, {2, -1, 2, 0}},
      {"round", &round, {2.5, -2.5, 1.4, -0.6}, {3, -3, 1, -1}},  // half away from zero
      {"relu", &relu, {-1, 0, 2}, {0, 0, 2}},
      {"sigmoid", &sigmoid, {0, kLn3, -kLn3}, {0.5, 0.75, 0.25}},
  };
  for (const UnaryCase& c : cases) {
    SCOPED_TRACE(c.name);
    expect_values(c.op(vec(c.in)), c.want);
  }
}

struct BinaryCase {
  const char* name;
  Value (*op)(const Value&, const Value&);
  std::vector<double> a, b, want;
};

TEST(Elementwise, BinaryOpsMatchHandComputedValues) {
  const BinaryCase cases[] = {
      {"add", [](const Value& a, const Value& b) { return a + b; }, {1, -2.5}, {2, 0.5}, {3, -2}},
      {"sub", [](const Value& a, const Value& b) { return a - b; }, {1, -2.5}, {2, 0.5}, {-1, -3}},
      {"mul",
       [](const Value& a, const Value& b) { return a * b; },
       {1.5, -2},
       {2, 0.25},
       {3, -0.5}},
      {"div", [](const Value& a, const Value& b) { return a / b; }, {1, -3}, {4, 2}, {0.25, -1.5}},
      {"pow", &pow, {2, 9, 2}, {10, 0.5, -1}, {1024, 3, 0.5}},
      {"atan2", &atan2, {1, 1, -1, 0}, {1, -1, -1, -1}, {pi / 4, 3 * pi / 4, -3 * pi / 4, pi}},
      {"min",
       static_cast<Value (*)(const Value&, const Value&)>(&min),
       {1, 5, -2},
       {2, 3, -2},
       {1, 3, -2}},
      {"max",
       static_cast<Value (*)(const Value&, const Value&)>(&max),
       {1, 5, -2},
       {2, 3, -2},
       {2, 5, -2}},
      // C fmod: the result has the sign of the dividend (truncating), SPEC §2.1.
      {"mod", &mod, {7, -7, 7, 5.5, -0.5}, {3, 3, -3, 2, 1}, {1, -1, 1, 1.5, -0.5}},
      {"gt", &gt, {1, 2, 3}, {2, 2, 2}, {0, 0, 1}},
      {"lt", &lt, {1, 2, 3}, {2, 2, 2}, {1, 0, 0}},
      {"gte", &gte, {1, 2, 3}, {2, 2, 2}, {0, 1, 1}},
      {"lte", &lte, {1, 2, 3}, {2, 2, 2}, {1, 1, 0}},
      {"eq", &eq, {1, 2, 3}, {2, 2, 2}, {0, 1, 0}},
  };
  for (const BinaryCase& c : cases) {
    SCOPED_TRACE(c.name);
    expect_values(c.op(vec(c.a), vec(c.b)), c.want);
  }
}

TEST(Elementwise, WrapIsFloorModuloIntoTheRange) {
  expect_values(wrap(vec({-0.25, 0.5, 1.0, 3.75}), 0.0, 1.0), {0.75, 0.5, 0, 0.75});
  expect_values(wrap(vec({2.5, 0.25}), 1.0, 2.0), {1.5, 1.25});
  expect_values(wrap(vec({-3.5, 1.5}), -1.0, 1.0), {0.5, -0.5});
}

TEST(Elementwise, ClipScaleMix) {
  expect_values(clip(vec({-3, 0.5, 5}), -1.0, 2.0), {-1, 0.5, 2});
  expect_values(scale(vec({0, 0.5, 1, 2}), 0.0, 1.0, 10.0, 20.0), {10, 15, 20, 30});
  expect_values(scale(vec({-1, 0, 1}), -1.0, 1.0, 1.0, 0.0), {1, 0.5, 0});
  expect_values(mix(2.0, 6.0, vec({0, 0.25, 1})), {2, 3, 6});
}

TEST(Elementwise, TriangleRisesForDutyThenFalls) {
  expect_values(triangle(vec({0, 0.25, 0.5, 0.75, 0.9})), {0, 0.5, 1, 0.5, 0.2});
  expect_values(triangle(vec({0.125, 0.25, 0.625}), 0.25), {0.5, 1, 0.5});
}

TEST(Elementwise, GswitchTakesAWhenConditionPositive) {
  expect_values(gswitch(vec({1, 0, -1, 0.5}), 10.0, 20.0), {10, 20, 20, 10});
}

TEST(Elementwise, SelectorPicksSmallestOptionAtOrAboveM) {
  const Value m = vec({-1, 0, 0.5, 1, 1.2, 2, 2.5, 3, 3.5});
  expect_values(selector(m, {10.0, 20.0, 30.0}), {0, 0, 10, 10, 20, 20, 30, 30, 0});
}

TEST(Elementwise, BroadcastingFollowsNumpy) {
  const Value col = tensor({2, 1}, {1, 2}), row = vec({10, 20, 30});
  const Value sum = col + row;
  EXPECT_EQ(sum.shape(), (Shape{2, 3}));
  expect_values(sum, {11, 21, 31, 12, 22, 32});
  expect_values(row * 2.0, {20, 40, 60});
  expect_values(tensor({2, 3}, {1, 2, 3, 4, 5, 6}) - col, {0, 1, 2, 2, 3, 4});
  expect_values(gswitch(vec({1, -1, 1}), col, 0.5), {1, 0.5, 1, 2, 0.5, 2});
}

TEST(Elementwise, RateIsTheFastestInputRate) {
  const Value t = vec({1, 2}), s = in(1);
  EXPECT_TRUE((t + 1.0).rate().is_static());
  EXPECT_TRUE((t * s).rate().is_frame());
  EXPECT_EQ((t * s).shape(), (Shape{2}));
  EXPECT_TRUE(sin(s).rate().is_frame());
}

// Tensor ∘ Signal gives a signal tensor, laid out [frame][element]; on both backends.
TEST(Elementwise, SignalTimesTensorIsASignalTensor) {
  const std::vector<float> x = {1, 2, -1};
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interpreter");
    expect_values(in(1) + vec({10, 20, 30}), 3, {11, 21, 31, 12, 22, 32, 9, 19, 29}, b, {{1, x}});
  }
}

// An exact multiple of a range that is not a power of two lands on lo, never on hi, also
// in generated C built with -ffast-math (which may divide through a reciprocal).
TEST(Elementwise, WrapOfAnExactMultipleOfTheRangeIsLo) {
  const std::vector<float> x = {0.796875f, 2.59375f, -1, -2.796875f, 4.390625f};
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interpreter");
    expect_values(wrap(in(1), -1.0, 0.796875), 5, {-1, -1, -1, -1, -1}, b, {{1, x}});
  }
}

// The frame-rate path of the truncating mod and of the comparisons, on both backends.
TEST(Elementwise, FrameRateModAndComparisons) {
  const std::vector<float> x = {7, -7, 5.5, -0.5};
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interpreter");
    expect_values(mod(in(1), 2.0), 4, {1, -1, 1.5, -0.5}, b, {{1, x}});
    expect_values(gte(in(1), 5.5), 4, {1, 0, 1, 0}, b, {{1, x}});
    expect_values(wrap(in(1), 0.0, 2.0), 4, {1, 1, 1.5, 1.5}, b, {{1, x}});
  }
}

}  // namespace
}  // namespace dgen

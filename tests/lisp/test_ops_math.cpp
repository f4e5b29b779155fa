// Elementwise math of the patch language against the same graphs built with the C++
// API, and the folding of number-only expressions (which must agree with the ops).
#include <cmath>

#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

using test::eval_binding;
using test::expect_same;

// Two test signals: x in [-1, 1), y in [0.5, 1.5) (positive, for log and sqrt).
constexpr const char* kInputs = "(def x (- (* 2 (phasor 441)) 1)) (def y (+ 0.5 (phasor 97))) ";
Value x_signal() { return 2.0 * phasor(441.0) - 1.0; }
Value y_signal() { return 0.5 + phasor(97.0); }

std::string with_inputs(const std::string& expr) {
  return std::string(kInputs) + "(def r " + expr + ")";
}

using Unary = Value (*)(const Value&);
struct UnaryCase {
  const char* name;
  Unary op;
  bool positive_input;
};
const UnaryCase kUnary[] = {
    {"sin", [](const Value& v) { return sin(v); }, false},
    {"cos", [](const Value& v) { return cos(v); }, false},
    {"tan", [](const Value& v) { return tan(v); }, false},
    {"atan", [](const Value& v) { return atan(v); }, false},
    {"tanh", [](const Value& v) { return tanh(v); }, false},
    {"exp", [](const Value& v) { return exp(v); }, false},
    {"log", [](const Value& v) { return log(v); }, true},
    {"log10", [](const Value& v) { return log10(v); }, true},
    {"sqrt", [](const Value& v) { return sqrt(v); }, true},
    {"abs", [](const Value& v) { return abs(v); }, false},
    {"sign", [](const Value& v) { return sign(v); }, false},
    {"floor", [](const Value& v) { return floor(v); }, false},
    {"ceil", [](const Value& v) { return ceil(v); }, false},
    {"round", [](const Value& v) { return round(v); }, false},
    {"relu", [](const Value& v) { return relu(v); }, false},
    {"sigmoid", [](const Value& v) { return sigmoid(v); }, false},
    {"neg", [](const Value& v) { return neg(v); }, false},
};

TEST(LispMath, UnaryOperatorsMatchTheApi) {
  for (const UnaryCase& c : kUnary) {
    const Value input = c.positive_input ? y_signal() : x_signal();
    expect_same(with_inputs(std::string("(") + c.name + (c.positive_input ? " y)" : " (* 1.7 x))")),
                c.op(c.positive_input ? input : 1.7 * input));
  }
}

// A number-only expression folds to a number, equal to what the op computes.
void expect_folds(const std::string& expr, const Value& graph) {
  SCOPED_TRACE(expr);
  const Datum d = eval_binding("(def r " + expr + ")");
  ASSERT_TRUE(d.is_number()) << describe(d);
  EXPECT_NEAR(d.number(), dgen::test::render1(graph, 1)[0], 1e-6 * (1 + std::fabs(d.number())));
}

TEST(LispMath, NumberExpressionsFoldLikeTheOps) {
  for (const UnaryCase& c : kUnary)
    expect_folds(std::string("(") + c.name + " 0.7)", c.op(Value(0.7)));
  expect_folds("(+ 1 2 3.5)", Value(6.5) + 0.0);
  expect_folds("(- 10 2 3)", Value(5.0) + 0.0);
  expect_folds("(- 4)", neg(Value(4.0)));
  expect_folds("(/ 1 4 2)", Value(0.125) + 0.0);
  expect_folds("(% -7 3)", mod(Value(-7.0), Value(3.0)));
  expect_folds("(pow 2 3 2)", pow(pow(Value(2.0), Value(3.0)), Value(2.0)));
  expect_folds("(min 3 1 2)", min(min(Value(3.0), Value(1.0)), Value(2.0)));
  expect_folds("(max 3 1 5)", max(max(Value(3.0), Value(1.0)), Value(5.0)));
  expect_folds("(atan2 1 -2)", atan2(Value(1.0), Value(-2.0)));
  expect_folds("(wrap -0.25 0 1)", wrap(Value(-0.25), Value(0.0), Value(1.0)));
  expect_folds("(wrap 7.5 2 5)", wrap(Value(7.5), Value(2.0), Value(5.0)));
  expect_folds("(clip 3 -1 1)", clip(Value(3.0), Value(-1.0), Value(1.0)));
  expect_folds("(scale 0.25 0 1 -1 1)",
               scale(Value(0.25), Value(0.0), Value(1.0), Value(-1.0), Value(1.0)));
  expect_folds("(mix 2 4 0.25)", mix(Value(2.0), Value(4.0), Value(0.25)));
  expect_folds("(triangle 0.25)", triangle(Value(0.25)));
  expect_folds("(triangle 0.75 0.25)", triangle(Value(0.75), Value(0.25)));
  expect_folds("(gswitch -1 2 3)", gswitch(Value(-1.0), Value(2.0), Value(3.0)));
  expect_folds("(mse 3 1)", mse(Value(3.0), Value(1.0)));
  for (double m : {-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0})
    expect_folds("(selector " + std::to_string(m) + " 10 20 30)",
                 selector(Value(m), {10.0, 20.0, 30.0}));
  for (const char* cmp : {"gt", "lt", "gte", "lte", "eq"})
    for (double a : {1.0, 2.0}) {
      const std::string expr = std::string("(") + cmp + " " + std::to_string(a) + " 2)";
      const Datum d = eval_binding("(def r " + expr + ")");
      const std::string_view op = cmp;
      const double want = op == "gt"    ? a > 2
                          : op == "lt"  ? a < 2
                          : op == "gte" ? a >= 2
                          : op == "lte" ? a <= 2
                                        : a == 2;
      EXPECT_EQ(d.number(), want) << expr;
    }
}

TEST(LispMath, ConstantsAreNumbers) {
  EXPECT_DOUBLE_EQ(eval_binding("(def r pi)").number(), M_PI);
  EXPECT_DOUBLE_EQ(eval_binding("(def r twopi)").number(), 2 * M_PI);
  EXPECT_DOUBLE_EQ(eval_binding("(def r tau)").number(), 2 * M_PI);
  EXPECT_DOUBLE_EQ(eval_binding("(def r e)").number(), M_E);
  EXPECT_EQ(eval_binding("(def r true)").number(), 1.0);
  EXPECT_EQ(eval_binding("(def r false)").number(), 0.0);
  EXPECT_EQ(eval_binding("(def r (* 2 (+ 1 pi)))").number(), 2 * (1 + M_PI));
}

TEST(LispMath, SamplerateIsARuntimeValue) {
  const Value sr = test::eval_value("(def r samplerate)");
  EXPECT_EQ(dgen::test::render1(sr, 1, Backend::Interp, 1, 48000)[0], 48000.0f);
  const Value alias = test::eval_value("(def r sample-rate)");
  EXPECT_EQ(dgen::test::render1(alias, 1, Backend::Interp, 1, 22050)[0], 22050.0f);
  const Value period = test::eval_value("(def r (/ 1 samplerate))");
  EXPECT_FLOAT_EQ(dgen::test::render1(period, 1, Backend::Interp, 1, 32000)[0], 1.0f / 32000);
}

TEST(LispMath, ArithmeticNestsLeft) {
  const Value x = x_signal(), y = y_signal();
  expect_same(with_inputs("(+ x y 0.5 x)"), ((x + y) + 0.5) + x);
  expect_same(with_inputs("(- x y 0.25)"), (x - y) - 0.25);
  expect_same(with_inputs("(- x)"), neg(x));
  expect_same(with_inputs("(* x y y)"), (x * y) * y);
  expect_same(with_inputs("(/ x y 2)"), (x / y) / 2.0);
  expect_same(with_inputs("(% x 0.3)"), mod(x, 0.3));
  expect_same(with_inputs("(% x y 0.2)"), mod(mod(x, y), 0.2));
  expect_same(with_inputs("(pow y 2 y)"), pow(pow(y, 2.0), y));
  expect_same(with_inputs("(min x y 0.1)"), min(min(x, y), 0.1));
  expect_same(with_inputs("(max x y 1.2)"), max(max(x, y), 1.2));
  // Numbers fold before they meet the signal: (+ 1 2 x) is 3 + x.
  expect_same(with_inputs("(+ 1 2 x)"), 3.0 + x);
}

TEST(LispMath, FixedArityOperatorsMatchTheApi) {
  const Value x = x_signal(), y = y_signal();
  expect_same(with_inputs("(atan2 x y)"), atan2(x, y));
  expect_same(with_inputs("(gt x 0)"), gt(x, 0.0));
  expect_same(with_inputs("(lt x 0.2)"), lt(x, 0.2));
  expect_same(with_inputs("(gte x y)"), gte(x, y));
  expect_same(with_inputs("(lte x y)"), lte(x, y));
  expect_same(with_inputs("(eq (floor (* 4 x)) 1)"), eq(floor(4.0 * x), 1.0));
  expect_same(with_inputs("(> x 0)"), gt(x, 0.0));
  expect_same(with_inputs("(< x 0)"), lt(x, 0.0));
  expect_same(with_inputs("(>= x 0)"), gte(x, 0.0));
  expect_same(with_inputs("(<= x 0)"), lte(x, 0.0));
  expect_same(with_inputs("(== (floor (* 4 x)) 1)"), eq(floor(4.0 * x), 1.0));
  expect_same(with_inputs("(gswitch x y 0.5)"), gswitch(x, y, 0.5));
  expect_same(with_inputs("(selector (* 4 y) x y 0.5)"), selector(4.0 * y, {x, y, 0.5}));
  expect_same(with_inputs("(mix x y 0.3)"), mix(x, y, 0.3));
  expect_same(with_inputs("(scale x -1 1 100 200)"), scale(x, -1.0, 1.0, 100.0, 200.0));
  expect_same(with_inputs("(wrap (* 3 x) -0.5 0.5)"), wrap(3.0 * x, -0.5, 0.5));
  expect_same(with_inputs("(clip (* 3 x) -0.5 y)"), clip(3.0 * x, -0.5, y));
  expect_same(with_inputs("(triangle (phasor 100))"), triangle(phasor(100.0)));
  expect_same(with_inputs("(triangle (phasor 100) 0.2)"), triangle(phasor(100.0), 0.2));
  expect_same(with_inputs("(mse x y)"), mse(x, y));
}

TEST(LispMath, MaxOfOneTensorReduces) {
  const Value t = tensor({2, 3}, {1, 5, 2, 7, 0, 3});
  const std::string def = "(def t (tensor @shape [2 3] @data [1 5 2 7 0 3])) ";
  expect_same(def + "(def r (max t))", max(t), 1);
  expect_same(def + "(def r (max t @axis 1))", max_axis(t, 1), 1);
  expect_same(def + "(def r (max t 4))", max(t, Value(4.0)), 1);
}

}  // namespace
}  // namespace dgen::lisp

// std/util against formulas written here: logic, pitch and level conversions, edges,
// sample-and-hold and the counter, each on a signal and checked against the C backend.
#include <cmath>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

using test::eval_binding;
using test::render_std;

double number(const std::string& expr) {
  return eval_binding("(import std) (def r " + expr + ")").number();
}

TEST(StdUtil, LogicFoldsOnNumbers) {
  EXPECT_EQ(number("(if 1 2 3)"), 2);
  EXPECT_EQ(number("(if 0 2 3)"), 3);
  EXPECT_EQ(number("(if -1 2 3)"), 3);
  for (double a : {-1.0, 0.0, 0.5})
    for (double b : {-1.0, 0.0, 0.5}) {
      const std::string args = " " + std::to_string(a) + " " + std::to_string(b) + ")";
      EXPECT_EQ(number("(and" + args), double(a > 0 && b > 0));
      EXPECT_EQ(number("(or" + args), double(a > 0 || b > 0));
    }
  EXPECT_EQ(number("(not 0)"), 1);
  EXPECT_EQ(number("(not 0.1)"), 0);
}

TEST(StdUtil, ConversionsMatchTheirFormulas) {
  EXPECT_EQ(number("(mtof 69)"), 440);
  EXPECT_NEAR(number("(mtof 60)"), 261.6255653005986, 1e-9);
  EXPECT_NEAR(number("(ftom 261.6255653005986)"), 60, 1e-9);
  EXPECT_NEAR(number("(ftom 0)"), 69 + 12 * std::log2(1e-6 / 440), 1e-9);
  EXPECT_NEAR(number("(dbtoa -6)"), std::pow(10, -6 / 20.0), 1e-12);
  EXPECT_NEAR(number("(atodb 0.5)"), 20 * std::log10(0.5), 1e-12);
  EXPECT_EQ(number("(atodb 0)"), -180);
  // On signals: note 40 + 40·phase, round trip through Hz; level -60 + 60·phase.
  const auto out = render_std(
      "(def x (phasor 100)) (def r (mtof (+ 40 (* 40 x)))) (def back (ftom r))"
      "(def amp (dbtoa (* -60 x))) (def db (atodb amp))",
      {"x", "r", "back", "amp", "db"}, 441);
  for (size_t t = 0; t < 441; ++t) {
    const double x = out[0][t];
    ASSERT_NEAR(out[1][t], 440 * std::pow(2, (40 + 40 * x - 69) / 12), 1e-5 * out[1][t]);
    ASSERT_NEAR(out[2][t], 40 + 40 * x, 1e-3);
    ASSERT_NEAR(out[3][t], std::pow(10, -3 * x), 1e-5);
    ASSERT_NEAR(out[4][t], -60 * x, 1e-3);
  }
}

TEST(StdUtil, LogicOnSignals) {
  const auto out = render_std(
      "(def a (- (phasor 300) 0.5)) (def b (- (phasor 700) 0.3))"
      "(def r (if a b (* 2 b))) (def both (and a b)) (def either (or a b)) (def neither (not a))",
      {"a", "b", "r", "both", "either", "neither"}, 300);
  for (size_t t = 0; t < 300; ++t) {
    const double a = out[0][t], b = out[1][t];
    ASSERT_FLOAT_EQ(out[2][t], float(a > 0 ? b : 2 * b));
    ASSERT_EQ(out[3][t], double(a > 0 && b > 0));
    ASSERT_EQ(out[4][t], double(a > 0 || b > 0));
    ASSERT_EQ(out[5][t], double(a <= 0));
  }
}

// Edges, delta, change, sah and counter from the rendered input, frame by frame.
TEST(StdUtil, EdgesHoldsAndCounts) {
  const auto out = render_std(
      "(def x (sin (* twopi (phasor 1500)))) (def v (phasor 170))"
      "(def d (delta x)) (def c (change (floor (* 4 x)))) (def up (rising x)) (def down (falling "
      "x))"
      "(def held (sah v x)) (def rs (gt (phasor 50) 0.9)) (def n (counter x rs 5))",
      {"x", "v", "d", "c", "up", "down", "held", "rs", "n"}, 1000);
  double last = 0, last_step = 0, held = 0, count = 0;
  int rises = 0;
  for (size_t t = 0; t < 1000; ++t) {
    const double x = out[0][t], step = std::floor(4 * x);
    ASSERT_NEAR(out[2][t], x - last, 1e-6) << t;
    ASSERT_EQ(out[3][t], double((step > last_step) - (step < last_step))) << t;
    const bool rise = x > 0 && last <= 0, fall = x <= 0 && last > 0;
    ASSERT_EQ(out[4][t], double(rise)) << t;
    ASSERT_EQ(out[5][t], double(fall)) << t;
    if (rise) held = out[1][t];
    ASSERT_EQ(out[6][t], float(held)) << t;
    count += rise;
    if (count >= 5) count = 0;
    if (out[7][t] > 0) count = 0;
    ASSERT_EQ(out[8][t], count) << t;
    rises += rise;
    last = x;
    last_step = step;
  }
  EXPECT_GT(rises, 30);  // the input rose often enough to test something
}

TEST(StdUtil, IfRoutesTheGradientIntoTheChosenBranch) {
  test::expect_gradients_match(
      "(param a @default 0.7 @min 0 @max 2) (param b @default -0.4 @min -2 @max 2)"
      "(def r (if (- (phasor 300) 0.5) (* a (noise 1)) (* b (noise 2))))");
}

TEST(StdUtil, ConversionGradients) {
  test::expect_gradients_match(
      "(param note @default 57 @min 0 @max 127) (param db @default -12 @min -60 @max 0)"
      "(def r (* 0.001 (dbtoa db) (mtof note) (noise 1)))");
}

}  // namespace
}  // namespace dgen::lisp

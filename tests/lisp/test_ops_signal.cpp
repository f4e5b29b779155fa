// Stateful signal operators of the patch language against the C++ API.
#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

using test::expect_same;

constexpr const char* kInput = "(def x (sin (* twopi (phasor 441)))) ";
Value x_signal() { return sin(2.0 * M_PI * phasor(441.0)); }
std::string with_input(const std::string& expr) {
  return std::string(kInput) + "(def r " + expr + ")";
}

TEST(LispSignal, Oscillators) {
  expect_same("(def r (phasor 1000))", phasor(1000.0));
  expect_same("(def r (phasor 1000 (gt (phasor 3000) 0.5)))",
              phasor(1000.0, gt(phasor(3000.0), 0.5)));
  expect_same("(def r (stateful-phasor 1000))", phasor(1000.0));
  expect_same("(def r (accum 0.1))", accum(0.1));
  expect_same("(def r (accum 0.1 (gt (phasor 4000) 0.5)))", accum(0.1, gt(phasor(4000.0), 0.5)));
  expect_same("(def r (accum 0.3 0 -1 2))", accum(0.3, 0.0, -1.0, 2.0));
  expect_same("(def r (click))", click());
  expect_same("(def r (noise))", noise());
  expect_same("(def r (noise 7))", noise(7));
  expect_same("(def r (noise @seed 9))", noise(9));
}

TEST(LispSignal, TwoNoisesDiffer) {
  const Value a = test::eval_value("(def a (noise)) (def b (noise)) (def r (- a b))");
  const std::vector<float> d = dgen::test::render1(a, 16);
  double energy = 0;
  for (float v : d) energy += v * v;
  EXPECT_GT(energy, 0.1);
}

TEST(LispSignal, LatchAndDelay) {
  const Value x = x_signal();
  expect_same(with_input("(latch x (gt (phasor 2000) 0.9))"), latch(x, gt(phasor(2000.0), 0.9)));
  expect_same(with_input("(delay x 10.5)"), delay(x, 10.5));
  expect_same(with_input("(delay x 20 @max-delay 64)"), delay(x, 20.0, 64));
  expect_same(with_input("(delay x 20 64)"), delay(x, 20.0, 64));
  expect_same(with_input("(delay x (* 30 (phasor 50)) @max-delay 40)"),
              delay(x, 30.0 * phasor(50.0), 40));
}

// The default line holds 88200 frames; a longer constant delay must not be clamped.
TEST(LispSignal, ConstantDelayLongerThanTheDefaultLineGrowsIt) {
  const std::vector<float> out =
      dgen::test::render1(test::eval_value("(def r (delay (click) 100000))"), 100001);
  EXPECT_EQ(out[88199], 0.0f);
  EXPECT_EQ(out[100000], 1.0f);
}

TEST(LispSignal, BiquadPositionalAndAttributes) {
  const Value x = x_signal();
  for (int mode = 0; mode < 8; ++mode)
    expect_same(with_input("(biquad x 1200 2 0.8 " + std::to_string(mode) + ")"),
                biquad(x, 1200.0, 2.0, 0.8, mode));
  expect_same(with_input("(biquad x @cutoff 900 @q 3 @gain 0.5 @mode 1)"),
              biquad(x, 900.0, 3.0, 0.5, 1));
  expect_same(with_input("(biquad x @cutoff 900)"), biquad(x, 900.0, 0.707, 1.0, 0));
  expect_same(with_input("(biquad x 900 @mode 2)"), biquad(x, 900.0, 0.707, 1.0, 2));
  expect_same(with_input("(biquad x (+ 500 (* 400 (phasor 3))) 1 1 0)"),
              biquad(x, 500.0 + 400.0 * phasor(3.0), 1.0, 1.0, 0));
}

TEST(LispSignal, CompressorPositionalAndAttributes) {
  const Value x = 0.9 * x_signal();
  const Value side = phasor(30.0);
  const std::string sc = "(def side (phasor 30)) ";
  expect_same(with_input("(compressor (* 0.9 x) 4 -20 6 0.001 0.05)"),
              compressor(x, 4.0, -20.0, 6.0, 0.001, 0.05), 256);
  expect_same(sc + with_input("(compressor (* 0.9 x) 4 -20 6 0.001 0.05 side)"),
              compressor(x, 4.0, -20.0, 6.0, 0.001, 0.05, side), 256);
  expect_same(sc + with_input("(compressor (* 0.9 x) 4 -20 6 0.001 0.05 1 side)"),
              compressor(x, 4.0, -20.0, 6.0, 0.001, 0.05, gswitch(1.0, side, x)), 256);
  expect_same(sc + with_input("(compressor (* 0.9 x) @ratio 8 @threshold -12 @sidechain side)"),
              compressor(x, 8.0, -12.0, 6.0, 0.01, 0.1, side), 256);
  expect_same(with_input("(compressor (* 0.9 x))"), compressor(x, 4.0, -20.0, 6.0, 0.01, 0.1), 256);
}

}  // namespace
}  // namespace dgen::lisp

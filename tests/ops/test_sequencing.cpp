// Triggers, sequencers and tensor noise (docs/LANGUAGE.md, "Sequencing"): hand-computed
// frames on the interpreter, the C backend against it, and gradients of the values a
// sequencer steps through against finite differences.
#include "autodiff/check_gradients.hpp"
#include "dgen/ops_audio.hpp"
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_error;
using tensor_test::vec;

// 44100 / 4 Hz: the phasor steps by exactly 1/4: 0, .25, .5, .75, 0, ...
Value quarter_phasor() { return phasor(44100.0 / 4.0); }

TEST(Ramp2Trig, FiresWhereTheRampWraps) {
  const auto got = test::render1(ramp2trig(quarter_phasor()), 9);
  EXPECT_EQ(got, (std::vector<float>{0, 0, 0, 0, 1, 0, 0, 0, 1}));
}

TEST(Ramp2Trig, IgnoresSmallDrops) {
  // 0.9, 0.6, 0.3, 0.95: drops of 0.3 are no wrap; 0.3 -> 0.95 rises.
  const Value x = seq(vec({0.9f, 0.6f, 0.3f, 0.95f}), quarter_phasor());
  EXPECT_EQ(test::render1(ramp2trig(x), 4), (std::vector<float>{0, 0, 0, 0}));
  expect_error([] { ramp2trig(vec({1, 2})); }, "ramp2trig: expects a scalar");
}

TEST(Seq, StepsThroughTheValuesByPhase) {
  const auto got = test::render1(seq(vec({3, 5, 7, 9}), quarter_phasor()), 6);
  EXPECT_EQ(got, (std::vector<float>{3, 5, 7, 9, 3, 5}));
  // Phases outside [0, 1) wrap: -0.25 is 0.75.
  EXPECT_EQ(test::render1(seq(vec({3, 5, 7, 9}), Value(-0.25)), 1)[0], 9.0f);
  expect_error([] { seq(tensor({2, 2}, {1, 2, 3, 4}), Value(0.0)); }, "seq: the values must be");
}

TEST(Seq, ATriggerMovesToTheNextStep) {
  // Triggers on frames 1, 2, 4, 6 and 7: before the first, the last step (30); each moves
  // on, from the last back to the first.
  const Value trig = seq(vec({0, 1, 1, 0, 1, 0, 1, 1}), phasor(44100.0 / 8.0));
  const auto got = test::render1(seq_trigger(vec({10, 20, 30}), trig), 8);
  EXPECT_EQ(got, (std::vector<float>{30, 10, 20, 20, 30, 30, 10, 20}));
}

TEST(Seq, CompiledMatchesTheInterpreter) {
  const Value values = vec({0.5f, -1, 2, 0.25f, 3});
  const Value trig = gt(sin(phasor(700.0) * 6.28), 0.9);
  test::expect_backends_agree(
      {seq(values, phasor(300.0)), seq_trigger(values, trig), ramp2trig(phasor(900.0))}, 400);
}

TEST(Seq, ValuesHaveGradients) {
  Param p("p", Shape{4}, {0.3f, -0.2f, 0.7f, 0.1f});
  const Value loss = seq(p, phasor(3000.0)) * sin(phasor(500.0) * 6.0);
  GradCheckOptions o;
  o.frames = 40;
  const GradCheckResult r = check_gradients(loss, {p}, o);
  EXPECT_TRUE(r.ok) << r.report();
}

TEST(NoiseTensor, ElementsAreIndependentUniformStreams) {
  const Value n = noise_tensor(4, 3);
  EXPECT_EQ(n.shape(), (Shape{4}));
  const auto got = test::render1(n, 2000);  // [frame][element]
  double mean[4] = {}, var[4] = {}, cross = 0;
  for (int64_t f = 0; f < 2000; ++f)
    for (int e = 0; e < 4; ++e) {
      const double v = got[size_t(f * 4 + e)];
      ASSERT_GE(v, -1.0);
      ASSERT_LT(v, 1.0);
      mean[e] += v / 2000;
      var[e] += v * v / 2000;
      if (e == 1) cross += v * got[size_t(f * 4)] / 2000;
    }
  for (int e = 0; e < 4; ++e) {
    EXPECT_NEAR(mean[e], 0.0, 0.06) << e;
    EXPECT_NEAR(var[e], 1.0 / 3.0, 0.03) << e;  // uniform on [-1, 1)
  }
  EXPECT_NEAR(cross, 0.0, 0.04);
  // Element 0 is the scalar noise of the same seed.
  EXPECT_EQ(test::render1(noise(3), 5)[4], got[16]);
  test::expect_backends_agree({sum(noise_tensor(5, 2) * vec({1, 2, 3, 4, 5}))}, 100, 2);
}

}  // namespace
}  // namespace dgen

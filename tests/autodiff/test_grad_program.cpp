// GradProgram: checkpointed segments, both backends, lanes, static losses, outputs,
// accumulation, the compile cache, and the error for ops without a gradient.
#include <cmath>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "backend/c/compiler.hpp"
#include "ir/op_table.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

RenderOptions on(Backend b, int lanes = 1) {
  RenderOptions o;
  o.backend = b;
  o.lanes = lanes;
  return o;
}

// A patch with every kind of state: a phasor, a biquad, a delay, a history envelope, a
// hop-rate cell and a host input, with a param in each.
struct Voice {
  Param freq{"freq", 310.0f}, cutoff{"cutoff", 1800.0f}, q{"q", 2.0f}, time{"time", 5.5f},
      decay{"decay", 0.97f}, hold{"hold", 0.4f};
  Value loss = 0.0;
  std::vector<Param> params() const { return {freq, cutoff, q, time, decay, hold}; }

  Voice() {
    const Value osc = sin(kTwoPi * phasor(freq)) + 0.3 * in(1);
    const Value filtered = biquad(osc, cutoff, q, 1.0, 0);
    const Value echoed = filtered + 0.5 * delay(filtered, time, 16);
    History env({}, {1.0f});
    const Value e = env.read();
    env.write(e * decay);
    History step({}, {}, 4);
    const Value held = step.read();
    step.write(hold * echoed + 0.5 * held);
    loss = mse(echoed * e + held, 0.2 * noise(9));
  }
};

std::vector<float> input_signal(int64_t n) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) x[size_t(t)] = float(std::sin(0.05 * double(t * t % 1000)));
  return x;
}

std::vector<double> grads_of(const std::vector<Param>& params) {
  std::vector<double> g;
  for (const Param& p : params) g.insert(g.end(), p.grad().begin(), p.grad().end());
  return g;
}

void expect_close(const std::vector<double>& got, const std::vector<double>& ref, double rel) {
  ASSERT_EQ(got.size(), ref.size());
  double scale = 0;
  for (double r : ref) scale = std::max(scale, std::fabs(r));
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], ref[i], rel * std::max(std::fabs(ref[i]), 1e-3 * scale))
        << "gradient " << i;
}

// Gradients of the voice over 203 frames with checkpoint interval k.
std::vector<double> voice_grads(Backend b, int64_t k, double* loss = nullptr) {
  Voice v;
  const std::vector<float> x = input_signal(203);
  GradOptions go;
  go.checkpoint = k;
  GradProgram program(v.loss, on(b), go);
  const double l = program.run(203, {{1, x}});
  if (loss) *loss = l;
  return grads_of(v.params());
}

TEST(GradProgram, CheckpointIntervalDoesNotChangeGradients) {
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    double ref_loss = 0, loss = 0;
    const std::vector<double> ref = voice_grads(b, 0, &ref_loss);
    for (int64_t k : {1, 7, 64}) {
      SCOPED_TRACE("K = " + std::to_string(k));
      const std::vector<double> got = voice_grads(b, k, &loss);
      // The interpreter is exact; generated code may round vectorised math differently
      // for other block lengths.
      EXPECT_NEAR(loss, ref_loss, (b == Backend::Interp ? 1e-12 : 1e-6) * std::fabs(ref_loss));
      expect_close(got, ref, b == Backend::Interp ? 1e-12 : 2e-5);
    }
  }
}

TEST(GradProgram, VoiceMatchesFiniteDifferences) {
  Voice v;
  GradCheckOptions o;
  o.frames = 150;
  const GradCheckResult r = check_gradients(v.loss, v.params(), o);
  EXPECT_TRUE(r.ok) << r.report();
}

TEST(GradProgram, BackendGradientsMatchInterpreter) {
  double loss_i = 0;
  const std::vector<double> i = voice_grads(Backend::Interp, 0, &loss_i);
  for (const test::BackendParam& b : test::compared_backends()) {
    SCOPED_TRACE(b.name);
    double loss = 0;
    const std::vector<double> got = voice_grads(b.backend, 0, &loss);
    EXPECT_NEAR(loss, loss_i, 1e-4 * loss_i);
    expect_close(got, i, 2e-3);
  }
}

// Lanes: a per-lane param gets one gradient per lane, the same as a one-lane run with that
// lane's value; a shared param gets the sum over lanes.
TEST(GradProgram, LanesGiveOneGradientPerLaneOrTheirSum) {
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    auto loss_of = [](const Param& f, const Param& g) {
      return mse(g * sin(kTwoPi * phasor(f)), 0.5 * sin(kTwoPi * phasor(440.0)));
    };
    Param f("f", 430.0f), g("g", 0.8f);
    f.set_per_lane({430.0f, 452.0f});
    backward(loss_of(f, g), 100, on(b, 2));
    double shared = 0;
    for (float lane_f : {430.0f, 452.0f}) {
      Param f1("f", lane_f), g1("g", 0.8f);
      backward(loss_of(f1, g1), 100, on(b));
      EXPECT_NEAR(f.grad()[lane_f == 430.0f ? 0 : 1], f1.grad()[0], 1e-5 * std::fabs(f1.grad()[0]));
      shared += g1.grad()[0];
    }
    EXPECT_NEAR(g.grad()[0], shared, 1e-5 * std::fabs(shared));
  }
}

// A spectral loss against a host input, whose target side every lane shares (the C
// backend computes it once, in lane 0), with checkpointed segments: each lane's gradient
// and the loss are those of one-lane runs.
TEST(GradProgram, LanesShareASpectralLossesTargetSide) {
  const std::vector<float> target = input_signal(900);
  auto loss_of = [](const Param& f) {
    return spectral_loss(0.7 * sin(kTwoPi * phasor(f)), in(1), {.n = 256, .hop = 64});
  };
  const std::vector<float> freqs = {430.0f, 452.0f, 1210.0f};
  GradOptions go;
  go.checkpoint = 200;
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    Param f("f", 0.0f);
    f.set_per_lane(freqs);
    const double loss = GradProgram(loss_of(f), on(b, 3), go).run(900, {{1, target}});
    double summed = 0;
    for (size_t l = 0; l < freqs.size(); ++l) {
      Param f1("f", freqs[l]);
      summed += GradProgram(loss_of(f1), on(Backend::Interp), go).run(900, {{1, target}});
      EXPECT_NEAR(f.grad()[l], f1.grad()[0], 1e-3 * std::fabs(f1.grad()[0])) << "lane " << l;
    }
    EXPECT_NEAR(loss, summed, 1e-4 * summed);
  }
}

TEST(GradProgram, StaticLossIsDifferentiatedOnce) {
  Param p("p", Shape{2}, {1.0f, 5.0f});
  const Value d = p - 3.0;
  EXPECT_DOUBLE_EQ(backward(d * d, 1000, on(Backend::Interp)), 4.0 + 4.0);
  EXPECT_EQ(p.grad(), (std::vector<double>{-4.0, 4.0}));
}

// A frame-rate loss that adds a static term counts it on every frame.
TEST(GradProgram, StaticTermOfFrameLossCountsEveryFrame) {
  Param p("p", 2.0f);
  EXPECT_DOUBLE_EQ(backward(p * p + 0.0 * noise(1), 10, on(Backend::Interp)), 40.0);
  EXPECT_DOUBLE_EQ(p.grad()[0], 40.0);
}

TEST(GradProgram, RunsAccumulateAndForwardOnlyLeavesGradsAlone) {
  Param a("a", 0.5f);
  GradProgram program(mse(a * sin(kTwoPi * phasor(300.0)), 0.0), on(Backend::Interp));
  const double loss = program.run(50);
  const double once = a.grad()[0];
  EXPECT_NE(once, 0.0);
  EXPECT_DOUBLE_EQ(program.forward(50), loss);
  EXPECT_DOUBLE_EQ(a.grad()[0], once);
  program.run(50);
  EXPECT_DOUBLE_EQ(a.grad()[0], 2 * once);
  // d/da Σ (a s)^2 = 2 a Σ s^2 = 2 loss / a.
  EXPECT_NEAR(once, 2 * loss / 0.5, 1e-12);
}

TEST(GradProgram, RendersOutputsAlongTheLoss) {
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    Param a("a", 0.5f);
    const Value y = a * sin(kTwoPi * phasor(300.0));
    const Value other = phasor(100.0);
    GradProgram program(mse(out(y, 1), 0.1), on(b), {}, {other});
    program.run(70);
    const std::vector<float> expect_y = test::render1(y, 70, b);
    const auto got_y = program.channel(1);
    ASSERT_EQ(got_y.size(), expect_y.size());
    for (size_t i = 0; i < got_y.size(); ++i) EXPECT_FLOAT_EQ(got_y[i], expect_y[i]);
    const auto got_other = program.output(0);
    ASSERT_EQ(got_other.size(), 70u);
    EXPECT_NEAR(got_other[69], 69 * 100.0 / 44100, 1e-6);
    EXPECT_THROW(program.channel(2), Error);
  }
}

TEST(GradProgram, IdenticalStructureHitsTheCompileCache) {
  auto build = [] {
    Param f("f", 200.0f);
    return std::make_pair(f, mse(biquad(sin(kTwoPi * phasor(f)), 800.0, 1.0, 1.0, 0), 0.0));
  };
  auto [f1, loss1] = build();
  backward(loss1, 64, on(Backend::C));
  const int compiles = compiler_invocations();
  auto [f2, loss2] = build();
  f2.set(250.0f);
  backward(loss2, 64, on(Backend::C));
  EXPECT_EQ(compiler_invocations(), compiles);
  EXPECT_NE(f2.grad()[0], 0.0);
}

TEST(GradProgram, LossWithoutParamsHasNoGradients) {
  const Value s = sin(kTwoPi * phasor(100.0));
  EXPECT_NEAR(backward(s * s, 441, on(Backend::Interp)), 220.5, 1e-9);
}

// An op without an adjoint (and not zero_derivative) is an error naming it.
TEST(GradProgram, OpWithoutGradientIsAnErrorNamingIt) {
  static const bool registered = [] {
    OpDef op;
    op.name = "test_opaque";
    op.min_inputs = op.max_inputs = 1;
    op.shape = [](const std::vector<Shape>& in, const Attrs&) { return in[0]; };
    op.eval = [](EvalCtx& c) { c.out[0] = c.in[0][0]; };
    op.emit = [](EmitCtx& c) { c.line(c.out("0") + " = " + c.in(0, "0") + ";"); };
    register_op(std::move(op));
    return true;
  }();
  ASSERT_TRUE(registered);
  Param p("p", 1.0f);
  const Value opaque = make("test_opaque", {p * noise(1)});
  try {
    backward(opaque * 2.0, 8, on(Backend::Interp));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no gradient for op 'test_opaque'"), std::string::npos)
        << e.what();
  }
  // Not asked for: an opaque op that no param reaches is fine.
  EXPECT_NO_THROW(backward(make("test_opaque", {noise(1)}) * p, 8, on(Backend::Interp)));
}

}  // namespace
}  // namespace dgen

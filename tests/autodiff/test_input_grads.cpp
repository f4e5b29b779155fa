// Gradients with respect to host inputs (GradOptions::input_grads): closed forms for a
// gain and a one-pole recurrence, finite differences for a nonlinear patch with a delay,
// over several checkpoint segments, on both backends; only the channels asked for.
#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/graph.hpp"
#include "autodiff/transform.hpp"
#include "dgen/grad.hpp"
#include "dgen/ops.hpp"
#include "runtime/backends.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr int64_t kFrames = 128;

std::vector<float> ramp_input() {
  std::vector<float> x(kFrames);
  for (int64_t t = 0; t < kFrames; ++t) x[size_t(t)] = float(std::sin(0.37 * double(t)) * 0.8);
  return x;
}

GradOptions with_inputs(int64_t checkpoint = 0) {
  GradOptions o;
  o.input_grads = true;
  o.checkpoint = checkpoint;
  return o;
}

// loss = Σ_t (g_l x[t])^2 in each lane l; lanes share the input, so its gradient is the
// sum of theirs: Σ_l 2 g_l² x[t]. On every backend; 70 lanes: the GPU sums them a warp per
// frame (more lanes than a warp, and a part warp).
TEST(InputGrads, GainMatchesClosedFormSummedOverLanes) {
  const std::vector<float> x = ramp_input();
  for (Backend b : runnable_backends())
    for (int lanes : {1, 3, 70}) {
      SCOPED_TRACE(backend_name(b) + " lanes " + std::to_string(lanes));
      Param g("g", 1.0f);
      std::vector<float> gains(static_cast<size_t>(lanes), 0.0f);
      double sum_sq = 0;
      for (int l = 0; l < lanes; ++l) {
        gains[size_t(l)] = float(1.5 - 0.01 * l);
        sum_sq += double(gains[size_t(l)]) * double(gains[size_t(l)]);
      }
      g.set_per_lane(gains);
      const Value y = g * in(1);
      GradProgram program(y * y, RenderOptions{.backend = b, .lanes = lanes}, with_inputs(32));
      program.run(kFrames, {{1, x}});
      const std::vector<float> dx = program.input_grad(1);
      ASSERT_EQ(dx.size(), size_t(kFrames));
      for (int64_t t = 0; t < kFrames; ++t)
        EXPECT_NEAR(dx[size_t(t)], 2 * sum_sq * x[size_t(t)], std::max(1e-5, 1e-6 * sum_sq)) << t;
      // A channel the loss does not read has a zero gradient.
      EXPECT_EQ(program.input_grad(2), std::vector<float>(kFrames, 0.0f));
    }
}

// y[t] = a y[t-1] + x[t], loss = Σ_t w[t] y[t] with w[t] = in(2): dloss/dx[t] =
// Σ_{s>=t} w[s] a^(s-t), computed backwards; the recurrence carries the adjoint across
// checkpoint segments (16 frames here).
TEST(InputGrads, OnePoleMatchesClosedFormAcrossSegments) {
  const std::vector<float> x = ramp_input();
  std::vector<float> w(kFrames);
  for (int64_t t = 0; t < kFrames; ++t) w[size_t(t)] = float(std::cos(0.11 * double(t)));
  const double a = double(0.9f);
  std::vector<double> expect_x(kFrames), expect_w(kFrames);
  double carry = 0, y = 0;
  for (int64_t t = kFrames - 1; t >= 0; --t) expect_x[size_t(t)] = carry = w[size_t(t)] + a * carry;
  for (int64_t t = 0; t < kFrames; ++t) expect_w[size_t(t)] = y = a * y + x[size_t(t)];
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interp");
    Param pole("a", 0.9f);
    History y1;
    const Value yv = pole * y1.read() + in(1);
    y1.write(yv);
    GradProgram program(yv * in(2), RenderOptions{.backend = b}, with_inputs(16));
    program.run(kFrames, {{1, x}, {2, w}});
    EXPECT_EQ(program.segment_frames(), 16);
    const std::vector<float> dx = program.input_grad(1), dw = program.input_grad(2);
    for (int64_t t = 0; t < kFrames; ++t) {
      EXPECT_NEAR(dx[size_t(t)], expect_x[size_t(t)], 1e-4 * (1 + std::abs(expect_x[size_t(t)])))
          << t;
      EXPECT_NEAR(dw[size_t(t)], expect_w[size_t(t)], 1e-4 * (1 + std::abs(expect_w[size_t(t)])))
          << t;
    }
  }
}

// A nonlinear patch with a feedback delay: tanh(g x + 0.5 y[t-3]) against a sine.
Value nonlinear_loss(const Param& g) {
  History d1, d2, d3;
  const Value y = tanh(g * in(1) + 0.5 * d3.read());
  d3.write(d2.read());
  d2.write(d1.read());
  d1.write(y);
  const Value target = 0.3 * sin(0.05 * in(2));
  return (y - target) * (y - target);
}

double loss_with(const Value& loss, const std::vector<float>& x, const std::vector<float>& t2) {
  return GradProgram(loss, RenderOptions{.backend = Backend::Interp})
      .forward(kFrames, {{1, x}, {2, t2}});
}

// Central differences, Richardson-extrapolated from steps h and 2h (h a power of two, so
// x ± h are exact floats); the interpreter sums the loss in float64.
TEST(InputGrads, NonlinearDelayMatchesFiniteDifferences) {
  const std::vector<float> x = ramp_input();
  std::vector<float> ramp(kFrames);
  for (int64_t t = 0; t < kFrames; ++t) ramp[size_t(t)] = float(t);
  Param g("g", 1.25f);
  const Value loss = nonlinear_loss(g);
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interp");
    GradProgram program(loss, RenderOptions{.backend = b}, with_inputs(32));
    program.run(kFrames, {{1, x}, {2, ramp}});
    const std::vector<float> dx = program.input_grad(1);
    for (int64_t t : {0, 5, 31, 32, 33, 64, 100, 127}) {
      const double h = 1.0 / 1024;
      auto at = [&](double step) {
        std::vector<float> moved = x;
        moved[size_t(t)] += float(step);
        return loss_with(loss, moved, ramp);
      };
      const double d1 = (at(h) - at(-h)) / (2 * h), d2 = (at(2 * h) - at(-2 * h)) / (4 * h);
      const double numeric = (4 * d1 - d2) / 3;
      const double tol = b == Backend::C ? 1e-4 : 1e-6;
      EXPECT_NEAR(dx[size_t(t)], numeric, tol * std::max(1.0, std::abs(numeric))) << "frame " << t;
    }
  }
}

TEST(InputGrads, AreRefusedWhenNotAskedFor) {
  Param g("g", 1.0f);
  GradProgram program(g * in(1), RenderOptions{.backend = Backend::Interp});
  program.run(8);
  EXPECT_THROW(program.input_grad(1), Error);
  // Channels out of range, or channels without input_grads, are refused up front.
  for (int channel : {0, -1, kMaxChannel + 1})
    EXPECT_THROW(
        GradProgram(g * in(1), {}, {.input_grads = true, .input_grad_channels = {channel}}), Error);
  EXPECT_THROW(GradProgram(g * in(1), {}, {.input_grad_channels = {1}}), Error);
}

// A spectral loss of g·in(1) against the target in(2): asked for channel 1 alone, the
// backward program leaves the target's side out (one inverse FFT where both channels
// take two) and gives channel 1 and the param the gradients it gives when every channel
// is asked for; channel 2's gradient is refused, naming the option.
TEST(InputGrads, OnlyTheChannelsAskedForAreDifferentiated) {
  Param g("g", 0.8f);
  MrstftOptions o;
  o.sizes = {64};
  const Value loss = mrstft_loss(g * in(1), in(2), o);
  auto ffts = [&](InputGrads inputs) {
    const Differentiated d = differentiate(loss, 64, inputs);
    int n = 0;
    for (const Node* node : build_graph(d.backward_outputs()).nodes)
      n += node->op->name == "fft_complex";
    return n;
  };
  EXPECT_EQ(ffts({true}), 2);
  EXPECT_EQ(ffts({true, {1}}), 1);
  EXPECT_EQ(ffts({true, {1, 2}}), 2);
  EXPECT_EQ(ffts({true, {3}}), 1);  // the param's gradient needs the prediction's side

  std::vector<float> x = ramp_input(), target(kFrames);
  for (int64_t t = 0; t < kFrames; ++t) target[size_t(t)] = float(std::cos(0.21 * double(t)));
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    const RenderOptions options{.backend = b, .lanes = 3};
    GradProgram all(loss, options, with_inputs()),
        one(loss, options, {.input_grads = true, .input_grad_channels = {1}});
    g.zero_grad();
    const double loss_all = all.run(kFrames, {{1, x}, {2, target}});
    const double g_all = g.grad().at(0);
    g.zero_grad();
    EXPECT_EQ(one.run(kFrames, {{1, x}, {2, target}}), loss_all);
    EXPECT_NEAR(g.grad().at(0), g_all, 1e-6 * std::abs(g_all));
    EXPECT_NE(g_all, 0.0);
    const std::vector<float> dx_all = all.input_grad(1), dx = one.input_grad(1);
    for (int64_t t = 0; t < kFrames; ++t)
      EXPECT_NEAR(dx[size_t(t)], dx_all[size_t(t)], 1e-6 * (1e-3 + std::abs(dx_all[size_t(t)])))
          << t;
    EXPECT_GT(*std::max_element(dx.begin(), dx.end()), 0.0f);
    EXPECT_NE(all.input_grad(2), std::vector<float>(kFrames, 0.0f));
    try {
      (void)one.input_grad(2);
      ADD_FAILURE() << "channel 2 was not asked for";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("input_grad_channels"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace dgen

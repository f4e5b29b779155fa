// Tapes of values every lane computes alike (StateVar::lanes_alike): an STFT loss's target
// side is taped once, not once per lane, and the gradients are those of per-lane tapes
// (the interpreter keeps a tape per lane whatever the flag says).
#include <gtest/gtest.h>

#include <cmath>

#include "autodiff/transform.hpp"
#include "dgen/grad.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "runtime/pipeline.hpp"

namespace dgen {
namespace {

MrstftOptions small_sizes() {
  MrstftOptions o;
  o.sizes = {64, 32};
  return o;
}

TEST(AlikeTapes, TheTargetsSideIsTapedOnceThePredictionsPerLane) {
  Param gain("gain", 1.0f);
  const Differentiated d = differentiate(mrstft_loss(in(1) * gain, in(2), small_sizes()), 256);
  int alike = 0, per_lane = 0;
  for (const Differentiated::Tape& t : d.tapes) {
    const bool flag = t.write->attrs.ints.at(2) != 0;
    EXPECT_EQ(t.read->attrs.ints.at(3), t.write->attrs.ints.at(2)) << "read and write agree";
    (flag ? alike : per_lane) += 1;
  }
  EXPECT_GT(alike, 0) << "the target's spectra";
  EXPECT_GT(per_lane, 0) << "the prediction's";
  // What sets a gradient's segment length counts them once too.
  double once = 0, each = 0;
  for (const Differentiated::Tape& t : d.tapes) {
    EXPECT_EQ(t.alike, t.write->attrs.ints.at(2) != 0);
    (t.alike ? once : each) += 4.0 * double(t.elements) / double(t.hop);
  }
  EXPECT_DOUBLE_EQ(d.tape_bytes_per_frame(64), once + 64 * each);
  EXPECT_LT(d.tape_bytes_per_frame(64), 64 * d.tape_bytes_per_frame(1));
  // In 4 lanes, an alike tape's buffer holds its slots once; the others four times.
  pipeline::Trace trace;
  const Schedule s = pipeline::schedule(d.forward_outputs(), 4, trace, Backend::C);
  for (const Differentiated::Tape& t : d.tapes) {
    const int i = s.graph.index.at(t.write.get());
    const StateVar& v = s.state_vars[size_t(i)].at(0);
    EXPECT_EQ(v.lanes_alike, t.write->attrs.ints.at(2) != 0);
    EXPECT_EQ(s.buffers[size_t(s.state[size_t(i)][0])].bytes,
              v.count * 4 * (v.lanes_alike ? 1 : 4));
  }
}

// Whether node n reads the param's node, directly or through other nodes' inputs.
bool reads_param(const Node& n, const ParamData& p) {
  if (n.param.get() == &p) return true;
  for (const NodeRef& in : n.inputs)
    if (reads_param(*in, p)) return true;
  return false;
}

// A param is per lane to the transform even when a run sets it alike (a run may set it per
// lane): what it reaches is taped per lane; what only inputs reach, once.
TEST(AlikeTapes, WhatAParamReachesIsTapedPerLane) {
  Param gain("gain", 0.7f);
  const Value y = sin(in(1) * gain) * exp(in(1) * 0.5) + tanh(in(1) * in(1));
  const Differentiated d = differentiate(mse(y, in(2)), 64);
  int alike = 0, per_lane = 0;
  for (const Differentiated::Tape& t : d.tapes) {
    const bool flag = t.write->attrs.ints.at(2) != 0;
    EXPECT_EQ(flag, !reads_param(*t.write->inputs.at(0), *gain.data()))
        << t.write->inputs.at(0)->op->name;
    (flag ? alike : per_lane) += 1;
  }
  EXPECT_GT(alike, 0);
  EXPECT_GT(per_lane, 0);
}

// In 3 lanes of different gains, over segments: C's gradients (alike tapes stored once)
// are the interpreter's (a tape per lane).
TEST(AlikeTapes, GradientsMatchTheInterpretersTapePerLane) {
  std::vector<float> x(600), target(600);
  for (size_t t = 0; t < x.size(); ++t) {
    x[t] = float(std::sin(0.31 * double(t)) + 0.3 * std::sin(0.047 * double(t * t % 211)));
    target[t] = float(0.5 * std::sin(0.13 * double(t)));
  }
  auto gradient = [&](Backend backend) {
    Param gain("gain", 1.0f);
    gain.set_per_lane({0.5f, 0.8f, 1.3f});
    MrstftOptions o = small_sizes();
    o.frames = 600;
    GradProgram g(mrstft_loss(in(1) * gain, in(2), o),
                  {.sample_rate = 8000, .backend = backend, .lanes = 3}, {.checkpoint = 128});
    const double loss = g.run(600, {{1, x}, {2, target}});
    std::vector<double> out{loss};
    out.insert(out.end(), gain.grad().begin(), gain.grad().end());
    return out;
  };
  const std::vector<double> c = gradient(Backend::C), interp = gradient(Backend::Interp);
  ASSERT_EQ(c.size(), 4u);
  for (size_t k = 0; k < c.size(); ++k) {
    EXPECT_NE(interp[k], 0.0);
    EXPECT_NEAR(c[k], interp[k], 1e-4 * std::abs(interp[k])) << k;
  }
}

}  // namespace
}  // namespace dgen

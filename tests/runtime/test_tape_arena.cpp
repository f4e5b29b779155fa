// A gradient's two programs in one arena (runtime/tape_arena.hpp): the backward program
// reads each tape where the forward program wrote it, its own buffers after the forward's,
// and a gradient computed so matches the interpreter's, whose tapes are copied.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "autodiff/transform.hpp"
#include "backend/c/c_executor.hpp"
#include "backend/c/render_c.hpp"
#include "dgen/grad.hpp"
#include "dgen/ops.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/tape_arena.hpp"
#include "schedule/memory_plan.hpp"

namespace dgen {
namespace {

struct Programs {
  Differentiated d;
  Schedule fwd, bwd;
};

// A loss whose backward reads tapes of a filter's input and coefficients, in 3 lanes.
Programs programs(int64_t tape_frames) {
  Param cutoff("cutoff", 900.0f), gain("gain", 0.5f);
  cutoff.set_per_lane({500.0f, 900.0f, 1300.0f});
  const Value y = biquad(tanh(in(1) * gain), cutoff, 0.8, 1.0, 0);
  Programs p;
  p.d = differentiate(mse(y, in(2)), tape_frames, {});
  pipeline::Trace trace;
  p.fwd = pipeline::schedule(p.d.forward_outputs(), 3, trace, Backend::C);
  p.bwd = pipeline::schedule(p.d.backward_outputs(), 3, trace, Backend::C);
  p.bwd.reverse = true;
  return p;
}

const Buffer& first_state(const Schedule& s, int node) {
  return s.buffers[size_t(s.state[size_t(node)][0])];
}

TEST(TapeArena, TheBackwardsTapesLieAtTheForwardsAndItsOwnBuffersAfter) {
  Programs p = programs(64);
  const auto tapes = tape_copies(p.d, p.fwd, p.bwd);
  ASSERT_GE(tapes.size(), 2u);
  read_tapes_in_place(p.fwd, p.bwd, tapes);
  EXPECT_EQ(p.bwd.arena_base, p.fwd.arena_bytes);
  std::vector<bool> is_tape(p.bwd.buffers.size(), false);
  for (const Executor::StateCopy& t : tapes) {
    EXPECT_EQ(first_state(p.bwd, t.node).offset, first_state(p.fwd, t.from_node).offset);
    is_tape[size_t(p.bwd.state[size_t(t.node)][0])] = true;
  }
  for (size_t b = 0; b < p.bwd.buffers.size(); ++b)
    if (!is_tape[b]) {
      EXPECT_GE(p.bwd.buffers[b].offset, p.fwd.arena_bytes) << p.bwd.buffers[b].what;
    }
  check_no_overlap(p.bwd);
}

TEST(TapeArena, StatePlacedPastTheBaseIsRefused) {
  Programs p = programs(64);
  const auto tapes = tape_copies(p.d, p.fwd, p.bwd);
  ASSERT_FALSE(tapes.empty());
  p.bwd.arena_base = p.fwd.arena_bytes;
  p.bwd.placed_state = {{tapes[0].node, p.fwd.arena_bytes}};
  EXPECT_THROW(plan_memory(p.bwd), std::logic_error);
}

// The forward program run in the backward's arena: the backward reads the very tapes the
// forward wrote, with no copy. (In arenas of their own the backward's would be unwritten.)
TEST(TapeArena, TheBackwardReadsTheTapesTheForwardWrote) {
  Programs p = programs(64);
  const auto tapes = tape_copies(p.d, p.fwd, p.bwd);
  read_tapes_in_place(p.fwd, p.bwd, tapes);
  const auto backward = make_c_executor(p.bwd, render_c(p.bwd));
  const auto forward = make_c_executor(p.fwd, render_c(p.fwd), nullptr, backward.get());
  std::vector<float> x(64), target(64);
  for (size_t t = 0; t < x.size(); ++t)
    x[t] = float(std::sin(0.3 * double(t))), target[t] = float(0.1 * std::cos(0.2 * double(t)));
  std::vector<std::vector<float>> outputs(p.fwd.graph.output_index.size());
  RunIO io;
  io.frames = 64;
  io.inputs = {x, target};
  for (size_t k = 0; k < outputs.size(); ++k) {
    outputs[k].resize(size_t(64 * p.fwd.graph.nodes[p.fwd.graph.output_index[k]]->size() * 3));
    io.outputs.push_back(outputs[k].data());
  }
  forward->run(io);
  for (const Executor::StateCopy& t : tapes) {
    const std::vector<double> written = forward->read_state(t.from_node, 0),
                              read = backward->read_state(t.node, 0);
    EXPECT_EQ(read, written);
    EXPECT_TRUE(std::any_of(written.begin(), written.end(), [](double v) { return v != 0.0; }));
  }
  EXPECT_THROW(make_c_executor(p.bwd, render_c(p.bwd), nullptr, forward.get()), std::logic_error)
      << "the forward's arena does not span the backward's";
}

// Segments of 32 frames re-run from checkpoints, each filling the tapes the backward reads
// in place: the same gradient as the interpreter's, which copies its tapes.
TEST(TapeArena, AGradientInOneArenaMatchesTheInterpretersOverSegments) {
  std::vector<float> x(200), target(200);
  for (size_t t = 0; t < x.size(); ++t)
    x[t] = float(std::sin(0.05 * double(t * t % 97))),
    target[t] = float(0.2 * std::sin(0.1 * double(t)));
  auto gradient = [&](Backend backend) {
    Param cutoff("cutoff", 900.0f), gain("gain", 0.5f);
    const Value y = biquad(tanh(in(1) * gain), cutoff, 0.8, 1.0, 0);
    GradProgram g(mse(y, in(2)), {.sample_rate = 8000, .backend = backend}, {.checkpoint = 32});
    const double loss = g.run(200, {{1, x}, {2, target}});
    return std::vector<double>{loss, cutoff.grad()[0], gain.grad()[0]};
  };
  const std::vector<double> c = gradient(Backend::C), interp = gradient(Backend::Interp);
  for (size_t k = 0; k < c.size(); ++k) {
    EXPECT_NE(interp[k], 0.0);
    EXPECT_NEAR(c[k], interp[k], 1e-4 * std::abs(interp[k]) + 1e-9) << k;
  }
}

}  // namespace
}  // namespace dgen

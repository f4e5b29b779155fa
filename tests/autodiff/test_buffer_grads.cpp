// Gradients through buffers, history cells written by poke and read by peek (docs/LANGUAGE.md,
// "Buffers: poke"), against a closed form and central differences on the interpreter, over
// several passes of the buffer, lanes and checkpoint segments that split a pass; and every
// backend against the interpreter.
#include <cmath>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "backends.hpp"
#include "dgen/ops_audio.hpp"
#include "support.hpp"

namespace dgen {
namespace {

const double kTwoPi = 2 * std::numbers::pi;

// 0, 1, ..., rows - 1, 0, ...: a playhead over a buffer of `rows`.
Value playhead(int64_t rows) { return accum(1.0, 0.0, 0.0, double(rows)); }

// The looper of examples/looper.lisp on a buffer of 16 rows: each pass plays the last one,
// scaled by feedback, plus the input scaled by gain.
struct Looper {
  Param feedback{"feedback", 0.7f}, wet{"wet", 0.6f}, gain{"gain", 0.9f};
  Value out;
  explicit Looper(const Value& x) : out(0.0) {
    History loop({16});
    const Value head = playhead(16);
    const Value played = cell_peek(loop, head);
    cell_poke(loop, head, gain * x + feedback * played);
    out = (1.0 - wet) * x + wet * played;
  }
  std::vector<Param> params() const { return {feedback, wet, gain}; }
};

Value input() { return sin(kTwoPi * phasor(1500.0)) + 0.5 * noise(1); }

void expect_matches_finite_differences(const Value& loss, const std::vector<Param>& params,
                                       GradCheckOptions o) {
  const GradCheckResult r = check_gradients(loss, params, o);
  EXPECT_TRUE(r.ok) << r.report();
  for (const auto& e : r.entries) EXPECT_NE(e.analytic, 0.0) << e.param;
}

// x = 1 on every frame: the pass k (frames 16k .. 16k + 15) plays g Σ_{j<k} f^j, so over
// 4 passes Σ out = 16 w g (1 + (1 + f) + (1 + f + f²)) plus (1 - w) on each of 64 frames.
TEST(BufferGrads, LooperMatchesClosedForm) {
  const double f = double(0.7f), w = double(0.6f), g = double(0.9f);
  const double s = 3 + 2 * f + f * f;  // Σ over passes of Σ_{j<k} f^j
  for (Backend b : runnable_backends()) {
    SCOPED_TRACE(backend_name(b));
    Looper l(1.0);
    const double loss = backward(l.out, 64, {.backend = b});
    const double tol = b == Backend::Interp ? 1e-9 : 1e-4;
    EXPECT_NEAR(loss, 16 * w * g * s + 64 * (1 - w), tol * loss);
    EXPECT_NEAR(l.feedback.grad()[0], 16 * w * g * (2 + 2 * f), tol * loss);
    EXPECT_NEAR(l.wet.grad()[0], 16 * g * s - 64, tol * loss);
    EXPECT_NEAR(l.gain.grad()[0], 16 * w * s, tol * loss);
  }
}

// Against noise, over six passes and a bit, in one segment and in segments of 7 frames
// (each pass split across three of them).
TEST(BufferGrads, LooperMatchesFiniteDifferences) {
  for (int64_t checkpoint : {int64_t(0), int64_t(7)}) {
    SCOPED_TRACE("checkpoint " + std::to_string(checkpoint));
    Looper l(input());
    GradCheckOptions o;
    o.frames = 100;
    o.grad.checkpoint = checkpoint;
    expect_matches_finite_differences(mse(l.out, 0.3 * noise(2)), l.params(), o);
  }
}

// Three lanes with their own feedback each: one gradient per lane.
TEST(BufferGrads, LooperLanesMatchFiniteDifferences) {
  Looper l(input());
  l.feedback.set_per_lane({0.2f, 0.5f, 0.8f});
  GradCheckOptions o;
  o.frames = 90;
  o.render.lanes = 3;
  o.grad.checkpoint = 11;
  expect_matches_finite_differences(mse(l.out, 0.3 * noise(2)), l.params(), o);
}

// A tape delay whose read position is a param: the read interpolates, so the position has
// a gradient (the slope between the rows around it), and the adjoint of the read is split
// between those rows.
TEST(BufferGrads, InterpolatedReadPositionMatchesFiniteDifferences) {
  Param offset("offset", 5.3f), depth("depth", 1.7f), level("level", 0.8f);
  History tape({32});
  const Value head = playhead(32);
  cell_poke(tape, head, level * input());
  const Value back = head - offset - depth * (1.0 + sin(kTwoPi * phasor(300.0)));
  const Value read = cell_peek(tape, back + 32.0 * lt(back, 0.0));
  GradCheckOptions o;
  o.frames = 120;
  o.grad.checkpoint = 13;
  expect_matches_finite_differences(mse(read, 0.2 * noise(2)), {offset, depth, level}, o);
}

// Two pokes of a frame on one row (only the second survives: the first one's value has
// no effect on anything but its own output), a poke of a constant that clears rows the
// others wrote, two channels read between them and the whole buffer read as a tensor.
TEST(BufferGrads, OverwrittenRowsChannelsAndWholeReadsMatchFiniteDifferences) {
  Param a("a", 0.6f), b("b", 1.3f), c("c", Shape{2}, {0.4f, -0.7f});
  History buf({8, 2});
  const Value head = playhead(8), x = input();
  const Value both = tensor({2}, {0.0f, 1.0f});
  const Value first = cell_poke(buf, head, a * x, 0.0);
  cell_poke(buf, head + 8.0, b * x + sum(c * cell_peek(buf, head, both + 0.5)), 0.0);
  cell_poke(buf, head * 3.0, 0.8 * x + sum(c * cell_peek(buf, head + 4.5, both)), 1.0);
  cell_poke(buf, head + 5.0, 0.0, 1.0);  // clears row t + 5 of channel 1
  const Value loss = mse(cell_peek(buf, head + 2.0, 0.3), 0.2 * noise(2)) +
                     0.01 * sum(buf.read() * buf.read()) + 0.1 * first * noise(3);
  GradCheckOptions o;
  o.frames = 70;
  o.grad.checkpoint = 9;
  expect_matches_finite_differences(loss, {a, b, c}, o);
}

// The first poke of a frame is overwritten by a second on its row: the reads that follow
// see only the second, so the first one's param gets nothing from them.
TEST(BufferGrads, AnOverwrittenPokeGetsNoGradient) {
  Param a("a", 0.6f), b("b", 1.3f);
  History buf({4});
  const Value head = playhead(4);
  cell_poke(buf, head, a * input());
  cell_poke(buf, head, b * input());
  backward(cell_peek(buf, head) * noise(2), 40, {.backend = Backend::Interp});
  EXPECT_EQ(a.grad()[0], 0.0);
  EXPECT_NE(b.grad()[0], 0.0);
}

// peek on a cell that write-history writes whole every frame (a table computed per frame):
// the read's adjoint reaches the write through the cell's whole adjoint.
TEST(BufferGrads, PeekOfACellWrittenWholeMatchesFiniteDifferences) {
  Param w("w", Shape{6}, {0.5f, -0.3f, 0.8f, 0.1f, -0.6f, 0.4f}), decay("decay", 0.7f);
  History table({6});
  table.write(decay * table.read() + w * input());
  const Value read = cell_peek(table, 2.5 + 2.4 * sin(kTwoPi * phasor(700.0)));
  GradCheckOptions o;
  o.frames = 80;
  o.grad.checkpoint = 9;
  expect_matches_finite_differences(mse(read, 0.2 * noise(2)), {w, decay}, o);
}

// A buffer that write-history also writes (the whole cell at once) has no gradient rule:
// an error, not a wrong gradient.
TEST(BufferGrads, APokedCellThatWriteHistoryWritesIsAnError) {
  Param a("a", 0.6f);
  History buf({4});
  cell_poke(buf, playhead(4), a * input());
  buf.write(buf.read() * 0.5);
  try {
    backward(cell_peek(buf, 1.0), 8, {.backend = Backend::Interp});
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("written by both"), std::string::npos) << e.what();
  }
}

// Every backend against the interpreter, in segments of 7 frames over 3 lanes.
class BufferGradsOn : public ::testing::TestWithParam<test::BackendParam> {};

TEST_P(BufferGradsOn, LooperAgreesWithTheInterpreter) {
  auto grads = [](Backend backend) {
    Looper l(input());
    l.wet.set_per_lane({0.3f, 0.6f, 0.9f});
    GradProgram p(mse(l.out, 0.3 * noise(2)), {.backend = backend, .lanes = 3}, {.checkpoint = 7});
    std::vector<double> g{p.run(100)};
    for (const Param& q : l.params())
      for (double v : q.grad()) g.push_back(v);
    return g;
  };
  const std::vector<double> ref = grads(Backend::Interp), got = grads(GetParam().backend);
  ASSERT_EQ(got.size(), ref.size());
  for (size_t k = 0; k < ref.size(); ++k)
    EXPECT_NEAR(got[k], ref[k], 1e-4 * (1 + std::fabs(ref[k]))) << "entry " << k;
}

INSTANTIATE_TEST_SUITE_P(Backends, BufferGradsOn, ::testing::ValuesIn(test::present_backends()),
                         test::backend_param_name);

}  // namespace
}  // namespace dgen

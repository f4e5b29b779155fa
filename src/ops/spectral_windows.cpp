// Windows and hops (SPEC §2.3): buffer, overlap_add, hop_hold, and hop_pulse (the gate the
// spectral losses use to carry a window's value on its hop frame only).
//
// Rings are indexed by the frame counter t (frames since reset), never by a position kept
// in state, so a streamed render gives the same result whatever its block size.
#include <string>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/emit_util.hpp"
#include "ops/spectral_ops.hpp"

namespace dgen {
namespace {

void check_hop(const std::string& op, int64_t hop) {
  if (hop < 1) throw Error(op + ": hop must be >= 1, got " + std::to_string(hop));
}

// C expression of `t mod n` for the non-negative frame counter t.
std::string t_mod(const EmitCtx& c, int64_t n) { return "(" + c.t + " % " + str(n) + ")"; }

// buffer(x): attrs.ints = {N, hop}. Every frame writes x into a ring of N samples at
// t mod N; on hop frames copies the ring out oldest first, so element i is x[t - N + 1 + i]
// (the ring starts at zero: zeros before frame 0).
void register_buffer() {
  OpDef op;
  op.name = "buffer";
  op.min_inputs = op.max_inputs = 1;
  op.exec = Exec::EveryFrame;
  op.stateful = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (!in[0].empty())
      throw Error("buffer: expects a scalar signal, got shape " + to_string(in[0]));
    if (a.ints.size() != 2) throw Error("buffer: expected attributes {size, hop}");
    if (a.ints[0] < 1) throw Error("buffer: size must be >= 1, got " + std::to_string(a.ints[0]));
    check_hop("buffer", a.ints[1]);
    return Shape{a.ints[0]};
  };
  op.rate = [](const std::vector<Rate>&, const Attrs& a) { return Rate::every(a.ints[1]); };
  op.state = [](const Node& n) { return std::vector<StateVar>{{"ring", n.attrs.ints[0], false}}; };
  op.eval = [](EvalCtx& c) {
    const int64_t n = c.node.attrs.ints[0], w = c.t % n;
    double* ring = c.state[0];
    ring[w] = c.in[0][0];
    if (!c.hop_frame) return;
    for (int64_t i = 0; i < n; ++i) c.out[i] = ring[(w + 1 + i) % n];
  };
  // The lanes innermost (OpDef::lane_loops): a window's copy walks the ring a slot of L
  // floats at a time; a lane loop around it read one float every L (an 8192-point
  // window's copies were a fifth of a spectral loss's time on the CPU at 64 lanes).
  op.lane_loops = true;
  op.emit = [](EmitCtx& c) {
    const int64_t n = c.node.attrs.ints[0];
    c.line("{ const int64_t w_ = " + t_mod(c, n) + "; " +
           lane_loop(c, c.state(0, "w_") + " = " + c.in(0, "0") + ";"));
    c.line("if (" + c.hop_frame + ") {");
    emit_loop(c, n, "e",
              "int64_t k_ = w_ + 1 + e; if (k_ >= " + str(n) + ") k_ -= " + str(n) + "; " +
                  c.out("e") + " = " + c.state(0, "k_") + ";");
    c.line("} }");
  };
  // In a region of windows the window is read from x's frames in the block and, before
  // it, from the ring, which keeps the block's last N - 1 frames after its windows: ring
  // slot t mod N holds x[t] as above, for the frames later windows read.
  op.emit_window = [](EmitCtx& c) {
    const int64_t n = c.node.attrs.ints[0];
    emit_loop(c, n, "e",
              "const int64_t u_ = " + c.t + " - " + c.block_t0 + " - " + str(n - 1) + " + e; " +
                  c.out("e") + " = u_ >= 0 ? " + c.in_frame(0, "u_", "0") + " : " +
                  c.state(0, "(" + c.block_t0 + " + u_ + " + str(n) + ") % " + str(n)) + ";",
              /*independent=*/true);
  };
  op.emit_window_keep = [](EmitCtx& c) {
    const int64_t n = c.node.attrs.ints[0];
    c.line("{ const int64_t u_ = " + c.block_frames + " - " + str(n - 1) + " + e;");
    c.line("if (u_ >= 0) " + c.state(0, "(" + c.block_t0 + " + u_) % " + str(n)) + " = " +
           c.in_frame(0, "u_", "0") + "; }");
  };
  op.window_keep = [](const Node& node) { return node.attrs.ints[0] - 1; };
  // Each window element goes back to the frame it came from: a ring run in reverse time
  // that works every frame.
  op.adjoint = [](AdjointCtx& c) {
    if (c.has_grad()) c.add(0, make("buffer_adjoint", {c.grad()}, c.node.attrs), Rate::frame());
  };
  register_op(std::move(op));
}

// overlap_add(w): attrs.ints = {hop}. On hop frames adds the window w ([N]) into a ring so
// that element i lands at output frame t + i; every frame emits the ring's sample for t
// and clears it. The ring is float64: it sums N / hop windows per sample.
void register_overlap_add() {
  OpDef op;
  op.name = "overlap_add";
  op.min_inputs = op.max_inputs = 1;
  op.exec = Exec::EveryFrame;
  op.stateful = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (in[0].size() != 1)
      throw Error("overlap_add: expects a window of shape [N], got " + to_string(in[0]));
    if (a.ints.size() != 1) throw Error("overlap_add: expected attribute {hop}");
    check_hop("overlap_add", a.ints[0]);
    return Shape{};
  };
  op.rate = [](const std::vector<Rate>&, const Attrs&) { return Rate::frame(); };
  op.state = [](const Node& n) {
    return std::vector<StateVar>{{"ring", n.inputs[0]->size(), true}};
  };
  op.eval = [](EvalCtx& c) {
    const int64_t n = c.node.inputs[0]->size(), hop = c.node.attrs.ints[0], p = c.t % n;
    double* ring = c.state[0];
    if (c.t % hop == 0)
      for (int64_t i = 0; i < n; ++i) ring[(p + i) % n] += c.in[0][i];
    c.out[0] = ring[p];
    ring[p] = 0;
  };
  op.emit = [](EmitCtx& c) {
    const int64_t n = c.node.inputs[0]->size(), hop = c.node.attrs.ints[0];
    c.line("{ const int64_t p_ = " + t_mod(c, n) + ";");
    c.line("if (" + t_mod(c, hop) + " == 0) {");
    emit_loop(c, n, "e",
              "int64_t k_ = p_ + e; if (k_ >= " + str(n) + ") k_ -= " + str(n) + "; " +
                  c.state(0, "k_") + " += (double)" + c.in(0, "e") + ";");
    c.line("}");
    c.line(c.out("0") + " = (float)" + c.state(0, "p_") + "; " + c.state(0, "p_") + " = 0.0; }");
  };
  // The window taken on hop frame t gets the output adjoints of frames t .. t + N - 1.
  op.adjoint = [](AdjointCtx& c) {
    if (!c.has_grad()) return;
    const int64_t n = c.node.inputs[0]->size(), hop = c.node.attrs.ints[0];
    c.add(0, make("overlap_add_adjoint", {c.grad()}, {{n, hop}, {}}), Rate::every(hop));
  };
  register_op(std::move(op));
}

// hop_hold(x): attrs.ints = {hop}. A copy of x computed on hop frames only; being a hop
// value, it is held in between.
void register_hop_hold() {
  OpDef op;
  op.name = "hop_hold";
  op.min_inputs = op.max_inputs = 1;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (a.ints.size() != 1) throw Error("hop_hold: expected attribute {hop}");
    check_hop("hop_hold", a.ints[0]);
    return in[0];
  };
  op.rate = [](const std::vector<Rate>&, const Attrs& a) { return Rate::every(a.ints[0]); };
  op.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = c.in[0][e];
  };
  op.emit = [](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e", c.out("e") + " = " + c.in(0, "e") + ";");
  };
  op.adjoint = [](AdjointCtx& c) { c.add(0, c.grad()); };
  register_op(std::move(op));
}

// hop_pulse(): attrs.ints = {hop, start}. 1 on frames t ≡ 0 mod hop with t >= start, else
// 0. Computed from the integer frame counter (never from a float frame count).
void register_hop_pulse() {
  OpDef op;
  op.name = "hop_pulse";
  op.zero_derivative = true;
  op.shape = [](const std::vector<Shape>&, const Attrs& a) {
    if (a.ints.size() != 2) throw Error("hop_pulse: expected attributes {hop, start}");
    check_hop("hop_pulse", a.ints[0]);
    return Shape{};
  };
  op.rate = [](const std::vector<Rate>&, const Attrs&) { return Rate::frame(); };
  op.eval = [](EvalCtx& c) {
    const int64_t hop = c.node.attrs.ints[0], start = c.node.attrs.ints[1];
    c.out[0] = c.t % hop == 0 && c.t >= start ? 1.0 : 0.0;
  };
  op.emit = [](EmitCtx& c) {
    const int64_t hop = c.node.attrs.ints[0], start = c.node.attrs.ints[1];
    c.line(c.out("0") + " = (" + t_mod(c, hop) + " == 0 && " + c.t + " >= " + str(start) +
           ") ? 1.0f : 0.0f;");
  };
  register_op(std::move(op));
}

}  // namespace

void register_window_ops() {
  register_buffer();
  register_overlap_add();
  register_hop_hold();
  register_hop_pulse();
}

}  // namespace dgen

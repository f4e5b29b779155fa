// The ops that connect the forward and backward programs of autodiff to the host:
// tapes (forward values the backward reads), frame sums (the loss, and the gradients
// of static values, summed over frames in float64) and the two ops that move adjoints
// between rates (hop_sum, hop_gate). The host moves their state between programs
// through Executor::read_state / write_state.
#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/emit_util.hpp"

namespace dgen {

void register_adjoint_ops();  // ops_adjoint.cpp

namespace {

Rate frame_rate(const std::vector<Rate>&, const Attrs&) { return Rate::frame(); }

// Tape slots: a tape holds `capacity` frames of a value that changes every `hop` frames;
// run frame rf (a segment starts on a hop frame) uses slot rf / hop. Tapes are float: the
// compiled forward computes its values in float, so that loses nothing there (the
// interpreter keeps every state in double).
int64_t tape_slots(const Node& n) {
  return (n.attrs.ints.at(0) + n.attrs.ints.at(1) - 1) / n.attrs.ints.at(1);
}

// The tape of a tape_write or tape_read whose attribute `alike` (at `alike_at`) says
// whether every lane tapes the same values (StateVar::lanes_alike).
std::vector<StateVar> tape_state(const Node& n, size_t alike_at) {
  return {{"tape", tape_slots(n) * n.size(), false, true, n.attrs.ints.at(alike_at) != 0}};
}

void check_tape_attrs(const std::string& op, const Attrs& a, size_t min_ints) {
  if (a.ints.size() < min_ints || a.ints[0] < 1 || a.ints[1] < 1)
    throw Error(op + ": expected attributes {capacity >= 1, hop >= 1, ...}");
}

// Element `flat` of the tape's slot for the current frame (a C expression).
std::string tape_element(const EmitCtx& c, const std::string& flat = "e") {
  return c.run_frame + " / " + str(c.node.attrs.ints[1]) + " * " + str(c.node.size()) + " + " +
         (flat == "e" ? flat : "(" + flat + ")");
}

// tape_write(x): attrs.ints = {capacity, hop, alike}. Stores x into its slot; passes x on.
// With alike, x is the same in every lane and its tape is stored once.
void register_tape_write() {
  OpDef op;
  op.name = "tape_write";
  op.per_lane = true;
  op.min_inputs = op.max_inputs = 1;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    check_tape_attrs("tape_write", a, 3);
    return in[0];
  };
  op.state = [](const Node& n) { return tape_state(n, 2); };
  op.eval = [](EvalCtx& c) {
    const int64_t m = c.node.size(), base = c.run_frame / c.node.attrs.ints[1] * m;
    for (int64_t e = 0; e < m; ++e) c.out[e] = c.state[0][base + e] = c.in[0][e];
  };
  op.emit = [](EmitCtx& c) {
    const std::string at = tape_element(c);
    emit_loop(c, c.node.size(), "e",
              c.out("e") + " = " + c.in(0, "e") + "; " + c.state(0, at) + " = " + c.out("e") + ";",
              /*independent=*/true);
  };
  op.element = [](EmitCtx& c, const std::string& flat) { return c.in(0, flat); };
  op.element_stores_state = true;
  op.linear = Linear::TapeWrite;
  register_op(std::move(op));
}

// tape_read(): attrs.ints = {capacity, hop, at_hop, alike, shape...}. The taped value of the
// current frame (a hop value: the one its last hop frame computed), every frame; with
// at_hop, a hop(hop) value read on hop frames only, so that the adjoint rules of hop nodes
// that read it run on hop frames too. (Held between hop frames in reverse time, a hop
// value is the one of the hop frame after: frame-rate rules need the every-frame read.)
// With alike, the tape is its tape_write's stored once for every lane.
void register_tape_read() {
  OpDef op;
  op.name = "tape_read";
  op.per_lane = true;
  op.rate = [](const std::vector<Rate>&, const Attrs& a) {
    return a.ints.at(2) ? Rate::every(a.ints[1]) : Rate::frame();
  };
  op.shape = [](const std::vector<Shape>&, const Attrs& a) {
    check_tape_attrs("tape_read", a, 4);
    return Shape(a.ints.begin() + 4, a.ints.end());
  };
  op.state = [](const Node& n) { return tape_state(n, 3); };
  op.eval = [](EvalCtx& c) {
    const int64_t m = c.node.size(), base = c.run_frame / c.node.attrs.ints[1] * m;
    for (int64_t e = 0; e < m; ++e) c.out[e] = c.state[0][base + e];
  };
  op.element = [](EmitCtx& c, const std::string& flat) {
    return "(float)" + c.state(0, tape_element(c, flat));
  };
  op.emit = [element = op.element](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e", c.out("e") + " = " + element(c, "e") + ";",
              /*independent=*/true);
  };
  op.linear = Linear::TapeRead;
  register_op(std::move(op));
}

// frame_sum(x): attrs.ints = {every_frame}. Adds x into a float64 sum each time it runs:
// every frame when every_frame is 1, else at x's rate (once per run for a static x).
// Its value is the running sum; the host reads the sum from its state.
void register_frame_sum() {
  OpDef op;
  op.name = "frame_sum";
  op.per_lane = true;
  op.min_inputs = op.max_inputs = 1;
  op.stateful = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (a.ints.size() != 1) throw Error("frame_sum: expected attribute {every_frame}");
    return in[0];
  };
  op.rate = [](const std::vector<Rate>& in, const Attrs& a) {
    return a.ints[0] ? Rate::frame() : in[0];
  };
  op.state = [](const Node& n) { return std::vector<StateVar>{{"sum", n.size(), true}}; };
  op.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = c.state[0][e] += c.in[0][e];
  };
  op.emit = [](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e",
              c.state(0, "e") + " += (double)" + c.in(0, "e") + "; " + c.out("e") + " = (float)" +
                  c.state(0, "e") + ";");
  };
  // A block at once, when no node reads the running sum (OpDef::emit_block): each
  // element's sum over the block's frames (shared by a GPU CTA's threads) added to it.
  op.emit_block = [](EmitCtx& c) {
    emit_element_sums(c, c.node.size(), c.block_frames, "f_", c.in_frame(0, "f_", "e"),
                      c.state(0, "e") + " += acc_;", [&](const std::string& body) {
                        return "for (int64_t f_ = 0; f_ < " + c.block_frames + "; ++f_) " + body;
                      });
  };
  op.linear = Linear::Total;
  register_op(std::move(op));
}

// Adds element e of the input at the block's frames `from` .. `to` - 1 (those before the
// block's end) to acc_.
std::string sum_frames(const EmitCtx& c, const std::string& from, const std::string& to) {
  return "for (int64_t f_ = " + from + "; f_ < " + to + " && f_ < " + c.block_t0 + " + " +
         c.block_frames + "; ++f_) acc_ += (double)" + c.in_frame(0, "f_ - " + c.block_t0, "e") +
         ";";
}

// hop_sum(x): attrs.ints = {hop}. The adjoint of a hop value held for `hop` frames: sums
// x every frame and, on hop frames, emits the sum and starts again. Run in reverse time,
// a hop frame closes the window of the frames held after it.
void register_hop_sum() {
  OpDef op;
  op.name = "hop_sum";
  op.min_inputs = op.max_inputs = 1;
  op.exec = Exec::EveryFrame;
  op.stateful = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (a.ints.size() != 1 || a.ints[0] < 2) throw Error("hop_sum: expected attribute {hop >= 2}");
    return in[0];
  };
  op.rate = [](const std::vector<Rate>&, const Attrs& a) { return Rate::every(a.ints[0]); };
  op.state = [](const Node& n) { return std::vector<StateVar>{{"sum", n.size(), true}}; };
  op.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) {
      c.state[0][e] += c.in[0][e];
      if (c.t % c.node.attrs.ints[0] != 0) continue;
      c.out[e] = c.state[0][e];
      c.state[0][e] = 0;
    }
  };
  op.emit = [](EmitCtx& c) {
    const int64_t m = c.node.size();
    emit_loop(c, m, "e", c.state(0, "e") + " += (double)" + c.in(0, "e") + ";");
    c.line("if (" + c.t + " % " + str(c.node.attrs.ints[0]) + " == 0) {");
    emit_loop(c, m, "e",
              c.out("e") + " = (float)" + c.state(0, "e") + "; " + c.state(0, "e") + " = 0.0;");
    c.line("}");
  };
  // In a region of independent windows (a GPU): hop frame t sums its frames t .. t + hop - 1
  // from their block rows, and, when the next hop frame lies past the block, what the
  // blocks after left in the sum. The sum then holds, as the frame-by-frame op's does at
  // the block's first frame T0, the frames from T0 to the block's first hop frame (and
  // what it held, when the block has none). Reverse time only (blocks from the last).
  // Each element's sum is shared by a GPU window's threads (a hop of 512 frames walked by
  // one thread was most of a spectral loss's backward).
  op.emit_window = [](EmitCtx& c) {
    const std::string hop = str(c.node.attrs.ints[0]), end = c.block_t0 + " + " + c.block_frames;
    const std::string past_end = "(" + c.t + " + " + hop + " > " + end + ")";
    const std::string frames = "(" + past_end + " ? " + end + " - " + c.t + " : " + hop + ")";
    emit_element_sums(
        c, c.node.size(), frames, "f_", c.in_frame(0, c.t + " - " + c.block_t0 + " + f_", "e"),
        c.out("e") + " = (float)(acc_ + (" + past_end + " ? " + c.state(0, "e") + " : 0.0));",
        [&](const std::string& body) {
          return "for (int64_t f_ = 0; f_ < " + frames + "; ++f_) " + body;
        });
  };
  op.emit_window_keep = [](EmitCtx& c) {
    const std::string h = str(c.node.attrs.ints[0]), t0 = c.block_t0,
                      end = c.block_t0 + " + " + c.block_frames;
    c.line("{ const int64_t h_ = (" + t0 + " + " + h + " - 1) / " + h + " * " + h +
           "; double acc_ = h_ >= " + end + " ? " + c.state(0, "e") + " : 0.0;");
    c.line("  " + sum_frames(c, t0, "h_") + " " + c.state(0, "e") + " = acc_; }");
  };
  op.window_keep = [](const Node& node) { return node.size(); };
  register_op(std::move(op));
}

// hop_gate(x): attrs.ints = {hop}. x on frames t ≡ 0 mod hop, 0 on the others: the
// contribution of a hop node to a faster input lands on its hop frames only.
void register_hop_gate() {
  OpDef op;
  op.name = "hop_gate";
  op.min_inputs = op.max_inputs = 1;
  op.rate = frame_rate;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (a.ints.size() != 1 || a.ints[0] < 2) throw Error("hop_gate: expected attribute {hop >= 2}");
    return in[0];
  };
  op.eval = [](EvalCtx& c) {
    const bool on = c.t % c.node.attrs.ints[0] == 0;
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = on ? c.in[0][e] : 0.0;
  };
  op.emit = [](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e",
              c.out("e") + " = " + c.t + " % " + str(c.node.attrs.ints[0]) + " == 0 ? " +
                  c.in(0, "e") + " : 0.0f;");
  };
  register_op(std::move(op));
}

}  // namespace

void register_autodiff_ops() {
  register_tape_write();
  register_tape_read();
  register_frame_sum();
  register_hop_sum();
  register_hop_gate();
  register_adjoint_ops();
}

}  // namespace dgen

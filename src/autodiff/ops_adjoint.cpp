// Primitives that adjoint rules need and no forward op provides: summing an adjoint over
// broadcast dimensions (sum_to), the reverse-time rings of the delay line, buffer and
// overlap-add adjoints, and the slope of a delay's interpolation (delay_slope, a forward
// value the backward reads from the tape).
#include <cmath>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/delay_time.hpp"
#include "ops/emit_util.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {
namespace {

// The flat index into `common` of term r_ of sum_to's result element e (of shape
// `result`, broadcast to `common`): the result's dims from e, the summed ones from r_,
// both row-major, so that an element's terms come in increasing flat order, the order in
// which the reference adds them.
std::string summed_term_index(const Shape& common, const Shape& result) {
  std::string expr;
  int64_t stride = 1, result_stride = 1, summed_stride = 1;
  const size_t lead = common.size() - result.size();
  for (size_t d = common.size(); d-- > 0;) {
    const int64_t dim = common[d];
    const bool kept = d >= lead && result[d - lead] == dim;
    if (dim != 1) {
      const std::string from = kept ? "e" : "r_";
      const int64_t& at = kept ? result_stride : summed_stride;
      expr += (expr.empty() ? "" : " + ") + std::string("(") + from + " / " + str(at) + " % " +
              str(dim) + ") * " + str(stride);
    }
    (kept ? result_stride : summed_stride) *= dim;
    stride *= dim;
  }
  return expr.empty() ? "0" : "(" + expr + ")";
}

// sum_to(x): attrs.ints = the result shape S. x and S broadcast to a common shape C;
// element s of the result is the sum of x over the elements of C that map onto s (so a
// smaller x is expanded and a larger one summed down).
void register_sum_to() {
  OpDef op;
  op.name = "sum_to";
  op.min_inputs = op.max_inputs = 1;
  op.reads_elements_once = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    broadcast_shapes({in[0], a.ints}, "sum_to");
    return Shape(a.ints);
  };
  op.eval = [](EvalCtx& c) {
    const Shape& x = c.node.inputs[0]->shape;
    const Shape common = broadcast_shapes({x, c.node.shape}, "sum_to");
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = 0;
    for (int64_t k = 0; k < numel(common); ++k)
      c.out[broadcast_index(common, c.node.shape, k)] += c.in[0][broadcast_index(common, x, k)];
  };
  // Each result element sums its own terms, so the loop over them is independent (a GPU
  // window's threads share it) and adds in the reference's order. Where the elements are
  // fewer than a warp's threads and each sums many terms (a loss's adjoint summed to one
  // value), a GPU window's threads share each sum instead.
  op.emit = [](EmitCtx& c) {
    const Shape& x = c.node.inputs[0]->shape;
    const Shape common = broadcast_shapes({x, c.node.shape}, "sum_to");
    const int64_t terms = numel(common) / c.node.size();
    const std::string term =
        c.in(0, broadcast_index_expr(common, x, summed_term_index(common, c.node.shape)));
    if (c.cooperative && terms > c.node.size() && c.node.size() < kWarpThreads) {
      emit_element_sums(c, c.node.size(), str(terms), "r_", term, c.out("e") + " = (float)acc_;",
                        [&](const std::string& body) { return c_sum_for("r_", terms, body); });
      return;
    }
    const std::string body =
        terms == 1 ? c.out("e") + " = " + c.in(0, broadcast_index_expr(common, x, "e")) + ";"
                   : "float acc_ = 0.0f; for (int64_t r_ = 0; r_ < " + str(terms) +
                         "; ++r_) acc_ += " + term + "; " + c.out("e") + " = acc_;";
    emit_loop(c, c.node.size(), "e", body, true);
  };
  // Linear, and its own transpose up to broadcasting, which add() applies.
  op.adjoint = [](AdjointCtx& c) { c.add(0, c.grad()); };
  register_op(std::move(op));
}

int64_t ring_slot(int64_t frame, int64_t m) { return ((frame % m) + m) % m; }

Shape delay_shape(const std::string& op, const std::vector<Shape>& in, const Attrs& a) {
  if (a.ints.size() != 1 || a.ints[0] < 1) throw Error(op + ": max must be >= 1");
  return broadcast_shapes(in, op);
}

// delay_adjoint(g, d): attrs.ints = {max}. Run in reverse time beside a delay(x, d, max):
// at frame t it scatters the output adjoint g into the adjoints of x[t - di] and
// x[t - di - 1] (weights 1 - frac and frac), kept in a ring of frames t - max .. t, and
// emits the adjoint of x[t], now complete, clearing its slot. The ring is indexed by the
// frame counter, so the program can run in segments.
void register_delay_adjoint() {
  OpDef op;
  op.name = "delay_adjoint";
  op.min_inputs = op.max_inputs = 2;
  op.stateful = true;
  op.rate = [](const std::vector<Rate>&, const Attrs&) { return Rate::frame(); };
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    return delay_shape("delay_adjoint", in, a);
  };
  op.state = [](const Node& n) {
    return std::vector<StateVar>{{"ring", n.size() * (n.attrs.ints[0] + 1), true}};
  };
  op.eval = [](EvalCtx& c) {
    const int64_t max = c.node.attrs.ints[0], m = max + 1;
    for (int64_t e = 0; e < c.node.size(); ++e) {
      double* ring = c.state[0] + e * m;
      const double g = c.in[0][broadcast_index(c.node.shape, c.node.inputs[0]->shape, e)];
      const DelaySplit s =
          split_delay_time(c.in[1][broadcast_index(c.node.shape, c.node.inputs[1]->shape, e)], max);
      if (c.t - s.di >= 0) ring[ring_slot(c.t - s.di, m)] += (1 - s.frac) * g;
      if (c.t - s.di - 1 >= 0) ring[ring_slot(c.t - s.di - 1, m)] += s.frac * g;
      double& now = ring[ring_slot(c.t, m)];
      c.out[e] = now;
      now = 0;
    }
  };
  op.emit = [](EmitCtx& c) {
    const int64_t max = c.node.attrs.ints[0], m = max + 1;
    const std::string g = c.in(0, broadcast_index_expr(c.node.shape, c.node.inputs[0]->shape, "e"));
    const std::string d = c.in(1, broadcast_index_expr(c.node.shape, c.node.inputs[1]->shape, "e"));
    const std::string ring = "e * " + str(m) + " + ";
    emit_loop(c, c.node.size(), "e",
              c_split_delay_time(d, max) + " (void)in_; const double g_ = " + g +
                  "; const int64_t ta_ = " + c.t + " - di_; if (ta_ >= 0) " +
                  c.state(0, ring + "ta_ % " + str(m)) +
                  " += (1.0 - (double)fr_) * g_; if (ta_ >= 1) " +
                  c.state(0, ring + "(ta_ - 1) % " + str(m)) +
                  " += (double)fr_ * g_; const int64_t tn_ = " + c.t + " % " + str(m) + "; " +
                  c.out("e") + " = (float)" + c.state(0, ring + "tn_") + "; " +
                  c.state(0, ring + "tn_") + " = 0.0;");
  };
  register_op(std::move(op));
}

// delay_slope(x, d): attrs.ints = {max}. d/dd of delay(x, d, max): x[t - di - 1] - x[t - di]
// (the right slope at whole d), 0 where the delay clamps d. A forward op with its own
// ring (float, like the delay's), indexed by the frame counter.
void register_delay_slope() {
  OpDef op;
  op.name = "delay_slope";
  op.min_inputs = op.max_inputs = 2;
  op.stateful = true;
  op.rate = [](const std::vector<Rate>&, const Attrs&) { return Rate::frame(); };
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    return delay_shape("delay_slope", in, a);
  };
  op.state = [](const Node& n) {
    return std::vector<StateVar>{{"ring", n.size() * (n.attrs.ints[0] + 1), false}};
  };
  op.eval = [](EvalCtx& c) {
    const int64_t max = c.node.attrs.ints[0], m = max + 1;
    for (int64_t e = 0; e < c.node.size(); ++e) {
      double* ring = c.state[0] + e * m;
      ring[ring_slot(c.t, m)] = c.in[0][broadcast_index(c.node.shape, c.node.inputs[0]->shape, e)];
      const DelaySplit s =
          split_delay_time(c.in[1][broadcast_index(c.node.shape, c.node.inputs[1]->shape, e)], max);
      c.out[e] =
          s.inside ? ring[ring_slot(c.t - s.di - 1, m)] - ring[ring_slot(c.t - s.di, m)] : 0.0;
    }
  };
  op.emit = [](EmitCtx& c) {
    const int64_t max = c.node.attrs.ints[0], m = max + 1;
    const std::string x = c.in(0, broadcast_index_expr(c.node.shape, c.node.inputs[0]->shape, "e"));
    const std::string d = c.in(1, broadcast_index_expr(c.node.shape, c.node.inputs[1]->shape, "e"));
    const std::string ring = "e * " + str(m) + " + ";
    emit_loop(
        c, c.node.size(), "e",
        "const int64_t w_ = " + c.t + " % " + str(m) + "; " + c.state(0, ring + "w_") + " = " + x +
            "; " + c_split_delay_time(d, max) + " int64_t ia_ = w_ - di_; if (ia_ < 0) ia_ += " +
            str(m) + "; int64_t ib_ = ia_ - 1; if (ib_ < 0) ib_ += " + str(m) + "; " + c.out("e") +
            " = in_ ? " + c.state(0, ring + "ib_") + " - " + c.state(0, ring + "ia_") + " : 0.0f;");
  };
  register_op(std::move(op));
}

// Ring ops of the window family: attrs.ints = {N, hop}.
Shape window_attrs(const std::string& op, const Attrs& a) {
  if (a.ints.size() != 2 || a.ints[0] < 1 || a.ints[1] < 1)
    throw Error(op + ": expected attributes {N >= 1, hop >= 1}");
  return {a.ints[0]};
}

// Adds to acc_ what the windows of the block's hop frames s >= `from`, s <= f + N - 1, give
// frame `f` (element f - s + N - 1 of each): buffer_adjoint gathered frame by frame.
std::string gather_windows(const EmitCtx& c, const std::string& f, const std::string& from) {
  const int64_t n = c.node.attrs.ints[0], hop = c.node.attrs.ints[1];
  const std::string h = str(hop), last = str(n - 1);
  return "for (int64_t s_ = (" + from + " + " + str(hop - 1) + ") / " + h + " * " + h +
         "; s_ <= " + f + " + " + last + " && s_ < " + c.block_t0 + " + " + c.block_frames +
         "; s_ += " + h + ") acc_ += (double)" +
         c.in_frame(0, "s_ - " + c.block_t0, f + " - s_ + " + last) + ";";
}

// buffer_adjoint(g): the adjoint of buffer(x, N, hop), run in reverse time. On hop frames
// t it scatters the window adjoint g ([N]) back to the frames its elements came from
// (element i to frame t - N + 1 + i), kept in a ring of frames t - N + 1 .. t; every frame
// emits the adjoint of x[t], now complete, and clears its slot. (An overlap-add that runs
// backwards.)
void register_buffer_adjoint() {
  OpDef op;
  op.name = "buffer_adjoint";
  op.min_inputs = op.max_inputs = 1;
  op.stateful = true;
  op.rate = [](const std::vector<Rate>&, const Attrs&) { return Rate::frame(); };
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (in[0] != window_attrs("buffer_adjoint", a))
      throw Error("buffer_adjoint: expects a window of shape [N]");
    return Shape{};
  };
  op.state = [](const Node& n) { return std::vector<StateVar>{{"ring", n.attrs.ints[0], true}}; };
  op.eval = [](EvalCtx& c) {
    const int64_t n = c.node.attrs.ints[0], hop = c.node.attrs.ints[1];
    double* ring = c.state[0];
    if (c.t % hop == 0)
      for (int64_t i = 0; i < n; ++i)
        if (c.t - n + 1 + i >= 0) ring[(c.t + 1 + i) % n] += c.in[0][i];
    c.out[0] = ring[c.t % n];
    ring[c.t % n] = 0;
  };
  op.emit = [](EmitCtx& c) {
    const int64_t n = c.node.attrs.ints[0], hop = c.node.attrs.ints[1];
    c.line("if (" + c.t + " % " + str(hop) + " == 0) {");
    emit_loop(c, n, "e",
              "if (" + c.t + " - " + str(n - 1) + " + e >= 0) " +
                  c.state(0, "(" + c.t + " + 1 + e) % " + str(n)) + " += (double)" + c.in(0, "e") +
                  ";");
    c.line("}");
    c.line("{ const int64_t p_ = " + c.t + " % " + str(n) + "; " + c.out("0") + " = (float)" +
           c.state(0, "p_") + "; " + c.state(0, "p_") + " = 0.0; }");
  };
  // In a region of independent frames (a GPU): frame t gathers what the hop frames s of
  // the block in t .. t + N - 1 give it from their windows' rows, and what later blocks'
  // windows gave it from the ring. The ring then holds, as the frame-by-frame op's does
  // when it reaches the block's first frame T0, the sums of frames T0 - N + 1 .. T0 - 1
  // from the windows of T0 on (the slots of older frames and of T0 itself zero). Reverse
  // time only (blocks from the last).
  op.emit_window = [](EmitCtx& c) {
    const int64_t n = c.node.attrs.ints[0];
    c.line("{ double acc_ = " + c.t + " >= " + c.block_t0 + " + " + c.block_frames + " - " +
           str(n - 1) + " ? " + c.state(0, c.t + " % " + str(n)) + " : 0.0;");
    c.line("  " + gather_windows(c, c.t, c.t) + "");
    c.line("  " + c.out("0") + " = (float)acc_; }");
  };
  op.emit_window_keep = [](EmitCtx& c) {
    const int64_t n = c.node.attrs.ints[0];
    const std::string b0 = c.block_t0, end = c.block_t0 + " + " + c.block_frames;
    c.line("{ const int64_t f_ = " + b0 + " - " + str(n - 1) + " + e; double acc_ = 0.0;");
    c.line("  if (f_ >= 0 && f_ < " + b0 + ") {");
    c.line("    if (f_ >= " + end + " - " + str(n - 1) +
           ") acc_ = " + c.state(0, "f_ % " + str(n)) + ";");
    c.line("    " + gather_windows(c, "f_", b0));
    c.line("  }");
    c.line("  " + c.state(0, "(f_ % " + str(n) + " + " + str(n) + ") % " + str(n)) + " = acc_; }");
  };
  op.window_keep = [](const Node& node) { return node.attrs.ints[0]; };
  register_op(std::move(op));
}

// overlap_add_adjoint(g): the adjoint of overlap_add(w, hop) with w of shape [N], run in
// reverse time. Every frame keeps g[t] in a ring; on hop frames emits the window adjoint
// g[t .. t + N - 1] (frames past the run's end, never visited, read as 0). (A buffer that
// runs backwards.)
void register_overlap_add_adjoint() {
  OpDef op;
  op.name = "overlap_add_adjoint";
  op.min_inputs = op.max_inputs = 1;
  op.exec = Exec::EveryFrame;
  op.stateful = true;
  op.rate = [](const std::vector<Rate>&, const Attrs& a) { return Rate::every(a.ints[1]); };
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (!in[0].empty()) throw Error("overlap_add_adjoint: expects a scalar signal");
    return window_attrs("overlap_add_adjoint", a);
  };
  op.state = [](const Node& n) { return std::vector<StateVar>{{"ring", n.attrs.ints[0], true}}; };
  op.eval = [](EvalCtx& c) {
    const int64_t n = c.node.attrs.ints[0], hop = c.node.attrs.ints[1];
    double* ring = c.state[0];
    ring[c.t % n] = c.in[0][0];
    if (c.t % hop == 0)
      for (int64_t i = 0; i < n; ++i) c.out[i] = ring[(c.t + i) % n];
  };
  op.emit = [](EmitCtx& c) {
    const int64_t n = c.node.attrs.ints[0], hop = c.node.attrs.ints[1];
    c.line(c.state(0, c.t + " % " + str(n)) + " = (double)" + c.in(0, "0") + ";");
    c.line("if (" + c.t + " % " + str(hop) + " == 0) {");
    emit_loop(c, n, "e",
              c.out("e") + " = (float)" + c.state(0, "(" + c.t + " + e) % " + str(n)) + ";");
    c.line("}");
  };
  register_op(std::move(op));
}

// scatter_add(v, index): attrs.ints = the result shape S. Zeros of shape S, then each
// element of v added at flat position floor(index), clamped to S like the tensor reads
// clamp (NaN to 0); v and index broadcast. The adjoint of reading a tensor at run-time
// positions (gather, peek, peek_row, to_signal).
void register_scatter_add() {
  OpDef op;
  op.name = "scatter_add";
  op.min_inputs = op.max_inputs = 2;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    broadcast_shapes(in, "scatter_add");
    return Shape(a.ints);
  };
  op.eval = [](EvalCtx& c) {
    const Shape common =
        broadcast_shapes({c.node.inputs[0]->shape, c.node.inputs[1]->shape}, "scatter_add");
    const double top = double(c.node.size() - 1);
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = 0;
    for (int64_t k = 0; k < numel(common); ++k) {
      double x = c.in[1][broadcast_index(common, c.node.inputs[1]->shape, k)];
      x = x > 0 ? x : 0;
      x = x < top ? x : top;
      c.out[static_cast<int64_t>(std::floor(x))] +=
          c.in[0][broadcast_index(common, c.node.inputs[0]->shape, k)];
    }
  };
  op.emit = [](EmitCtx& c) {
    const Shape common =
        broadcast_shapes({c.node.inputs[0]->shape, c.node.inputs[1]->shape}, "scatter_add");
    const std::string top = c_float(double(c.node.size() - 1));
    emit_loop(c, c.node.size(), "e", c.out("e") + " = 0.0f;");
    emit_loop(c, numel(common), "k_",
              "float x_ = " + c.in(1, broadcast_index_expr(common, c.node.inputs[1]->shape, "k_")) +
                  "; x_ = x_ > 0.0f ? x_ : 0.0f; x_ = x_ < " + top + " ? x_ : " + top + "; " +
                  c.out("(int64_t)floorf(x_)") + " += " +
                  c.in(0, broadcast_index_expr(common, c.node.inputs[0]->shape, "k_")) + ";");
  };
  register_op(std::move(op));
}

}  // namespace

void register_adjoint_ops() {
  register_sum_to();
  register_delay_adjoint();
  register_delay_slope();
  register_buffer_adjoint();
  register_overlap_add_adjoint();
  register_scatter_add();
}

}  // namespace dgen

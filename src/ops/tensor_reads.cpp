// Reads from a tensor at positions computed at run time (SPEC §2.4): peek, peek_row,
// gather, to_signal. Positions are clamped to the tensor and turned into int64 indices
// with floor; interpolation weights are the fractional parts.
#include <cmath>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/emit_util.hpp"
#include "ops/table_read.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {
namespace {

// ---- adjoints: reads scatter-add their adjoint back into the table (scatter_add); a
// position's adjoint is the slope of the interpolation, 0 where it is clamped --------------

Value scatter(const Value& v, const Value& index, const Shape& shape) {
  return make("scatter_add", {v, index}, {shape, {}});
}

// 0, 1, 2, ... laid out in `shape` (row-major): the flat position of each element.
Value iota(const Shape& shape) {
  std::vector<float> v(static_cast<size_t>(numel(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i);
  return tensor(shape, std::move(v));
}

void peek_adjoint(AdjointCtx& c) {
  if (!c.has_grad()) return;
  const Shape& shape = c.node.inputs[0]->shape;
  const Table tb = table_of("peek", shape, 1);
  const Value g = c.grad(), t = c.in(0), index = c.in(1), channel = c.in(2);
  const LerpValues r = lerp_values(index, tb.rows), k = lerp_values(channel, tb.cols);
  if (c.needs(0)) c.add(0, scatter_reads(g, r, k, shape));
  if (c.needs(1)) c.add(1, g * (peek(t, r.i1, channel) - peek(t, r.i0, channel)) * r.inside);
  if (c.needs(2) && tb.cols > 1)
    c.add(2, g * (peek(t, index, k.i1) - peek(t, index, k.i0)) * k.inside);
}

void peek_row_adjoint(AdjointCtx& c) {
  if (!c.has_grad()) return;
  const Shape& shape = c.node.inputs[0]->shape;
  const int64_t cols = c.node.size();
  const Value g = c.grad(), t = c.in(0);
  const LerpValues r = lerp_values(c.in(1), shape[0]);
  if (c.needs(0)) {
    const Value row = iota(c.node.shape);
    c.add(0, scatter(g * (1.0 - r.frac), r.i0 * double(cols) + row, shape) +
                 scatter(g * r.frac, r.i1 * double(cols) + row, shape));
  }
  if (c.needs(1)) c.add(1, sum(g * (peek_row(t, r.i1) - peek_row(t, r.i0))) * r.inside);
}

// peek(t, index, channel): bilinear read of t ([rows] or [rows, columns]) at row `index`
// and column `channel`, each clamped to the table (lerp_at). index and channel may be
// tensors; the result has their broadcast shape, one read per element.
void register_peek() {
  OpDef op;
  op.name = "peek";
  op.min_inputs = op.max_inputs = 3;
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    table_of("peek", in[0], 1);
    return broadcast_shapes({in[1], in[2]}, "peek");
  };
  op.eval = [](EvalCtx& c) {
    eval_reads(c, c.in[0], table_of("peek", c.node.inputs[0]->shape, 1), 1);
  };
  op.emit = [](EmitCtx& c) {
    emit_reads(
        c, [&](const std::string& i) { return c.in(0, i); },
        table_of("peek", c.node.inputs[0]->shape, 1), 1);
  };
  op.adjoint = peek_adjoint;
  register_op(std::move(op));
}

// peek_row(t [rows, d1, ...], index []) -> [d1, ...]: the sub-tensors t[floor(index)] and
// t[floor(index) + 1] along the first axis mixed linearly, index clamped to the rows
// (lerp_at). A row is contiguous (row-major), so rank 3 and up read like [rows, columns].
void register_peek_row() {
  OpDef op;
  op.name = "peek_row";
  op.min_inputs = op.max_inputs = 2;
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    if (in[0].empty())
      throw Error("peek_row: the table must have at least one axis (rows), got a scalar");
    if (!in[1].empty())
      throw Error("peek_row: the index must be a scalar, got " + to_string(in[1]));
    return Shape(in[0].begin() + 1, in[0].end());
  };
  op.eval = [](EvalCtx& c) {
    const int64_t cols = c.node.size();
    const Lerp r = lerp_at(c.in[1][0], c.node.inputs[0]->shape[0]);
    for (int64_t j = 0; j < cols; ++j)
      c.out[j] = lerp_mix(c.in[0][r.i0 * cols + j], c.in[0][r.i1 * cols + j], r.frac);
  };
  op.emit = [](EmitCtx& c) {
    const int64_t cols = c.node.size();
    const std::string row = lerp_decl("r", c.in(1, "0"), c.node.inputs[0]->shape[0]);
    const std::string value = c_mix(c.in(0, "r_0 * " + str(cols) + " + j_"),
                                    c.in(0, "r_1 * " + str(cols) + " + j_"), "r_f");
    c.line("{ " + row + c_for("j_", cols, c.out("j_") + " = " + value + ";") + " }");
  };
  op.adjoint = peek_row_adjoint;
  register_op(std::move(op));
}

// gather(t, indices): element floor(indices[e]) of t flattened, the index clamped to
// [0, numel(t) - 1]; the result has the shape of indices.
void register_gather() {
  OpDef op;
  op.name = "gather";
  op.min_inputs = op.max_inputs = 2;
  op.shape = [](const std::vector<Shape>& in, const Attrs&) { return in[1]; };
  op.eval = [](EvalCtx& c) {
    const int64_t n = c.node.inputs[0]->size();
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = c.in[0][lerp_at(c.in[1][e], n).i0];
  };
  op.emit = [](EmitCtx& c) {
    const std::string clamp = clamp_decl("g", c.in(1, "e"), c.node.inputs[0]->size());
    emit_loop(c, c.node.size(), "e", clamp + c.out("e") + " = " + c.in(0, "g_0") + ";");
  };
  // The index is floored: only the table has a gradient.
  op.adjoint = [](AdjointCtx& c) {
    if (c.has_grad() && c.needs(0)) c.add(0, scatter(c.grad(), c.in(1), c.node.inputs[0]->shape));
  };
  register_op(std::move(op));
}

// to_signal(t): a frame-rate scalar that plays t flattened: element (t mod numel) at the
// frame t counted since the last reset.
void register_to_signal() {
  OpDef op;
  op.name = "to_signal";
  op.min_inputs = op.max_inputs = 1;
  op.shape = [](const std::vector<Shape>&, const Attrs&) { return Shape{}; };
  op.rate = [](const std::vector<Rate>&, const Attrs&) { return Rate::frame(); };
  op.eval = [](EvalCtx& c) { c.out[0] = c.in[0][c.t % c.node.inputs[0]->size()]; };
  op.emit = [](EmitCtx& c) {
    c.line(c.out("0") + " = " + c.in(0, "(" + c.t + ") % " + str(c.node.inputs[0]->size())) + ";");
  };
  // Frame t's adjoint goes to element t mod n, which to_signal of 0, 1, ..., n - 1 tells.
  op.adjoint = [](AdjointCtx& c) {
    const Node& t = *c.node.inputs[0];
    if (c.has_grad()) c.add(0, scatter(c.grad(), to_signal(iota({t.size()})), t.shape));
  };
  register_op(std::move(op));
}

}  // namespace

void register_tensor_read_ops() {
  register_peek();
  register_peek_row();
  register_gather();
  register_to_signal();
}

}  // namespace dgen

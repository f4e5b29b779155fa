// Element access to a history cell's state without copying the cell (docs/LANGUAGE.md,
// poke): cell_peek reads it like peek reads a table, cell_poke writes one element. They
// make loopers and recorders: a cell of a few seconds of samples written at a playhead.
// Like history_read and history_write they declare the cell's state (cell_state.hpp), so
// analysis orders every read of a frame before every write of it: a read sees the cell
// as the previous frame left it.
//
// Their adjoints keep the adjoint of the cell's contents in a backward cell of the same
// shape (the ops in cell_adjoint.cpp): run in reverse time, a frame's pokes take from it
// the adjoint of what they stored, which they zero (the buffer held something else
// before), and then its reads add theirs at the rows they read.
#include <cmath>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/cell_state.hpp"
#include "ops/emit_util.hpp"
#include "ops/table_read.hpp"

namespace dgen {

OpDef cell_op(const char* name, int min_inputs, int max_inputs) {
  OpDef op;
  op.name = name;
  op.min_inputs = min_inputs;
  op.max_inputs = max_inputs;
  op.stateful = true;
  op.rate = [](const std::vector<Rate>&, const Attrs&) { return Rate::frame(); };
  op.state = cell_state;
  op.init_state = cell_init;
  return op;
}

Value write_cell(const std::shared_ptr<Cell>& cell, std::string_view op,
                 std::vector<Value> inputs) {
  Value w = make(op, std::move(inputs), {}, {.written_cell = cell});
  cell->writes.push_back(w.node());
  return w;
}

int64_t poke_element(double index, double channel, Table tb) {
  const float x = float(index);
  int64_t row = 0;
  if (std::fabs(x) < 1e15f) {
    row = static_cast<int64_t>(std::floor(x)) % tb.rows;
    if (row < 0) row += tb.rows;
  }
  return row * tb.cols + lerp_at(float(channel), tb.cols).i0;
}

std::string c_poke_element(const std::string& index, const std::string& channel, Table tb) {
  const std::string rows = str(tb.rows);
  std::string body = "const float x_ = " + index +
                     "; int64_t i_ = fabsf(x_) < 1e15f ? (int64_t)floorf(x_) % " + rows +
                     " : 0; if (i_ < 0) i_ += " + rows + "; ";
  if (tb.cols == 1) return body + "const int64_t at_ = i_; ";
  return body + clamp_decl("k", channel, tb.cols) + "const int64_t at_ = i_ * " + str(tb.cols) +
         " + k_0; ";
}

namespace {

Table cell_table(const Node& n, const char* op) { return table_of(op, cell_of(n).shape, 1); }

// The adjoint of a read: added at the rows and columns it read into the backward cell of
// a buffer (when its pokes carry an adjoint at all), or, on a cell that write-history
// writes whole, into its reads' adjoint (a tensor of the cell's shape per frame); and to
// each position the slope of the interpolation along it (0 where the position is
// clamped), from reads of the forward cell at the entries around it, which the forward
// program tapes.
void cell_peek_adjoint(AdjointCtx& c) {
  if (!c.has_grad()) return;
  const Table tb = cell_table(c.node, "peek");
  const Value g = c.grad();
  if (const std::shared_ptr<Cell> adjoint = c.buffer_adjoint())
    write_cell(adjoint, "cell_scatter", {g, c.in(0), c.in(1)});
  else
    c.add_to_cell(scatter_reads(g, lerp_values(c.in(0), tb.rows), lerp_values(c.in(1), tb.cols),
                                cell_of(c.node).shape));
  auto read = [&](const Value& index, const Value& channel) {
    return make("cell_peek", {index, channel}, {}, {.cell = c.node.cell});
  };
  const Value index = c.forward_in(0), channel = c.forward_in(1);
  if (c.needs(0)) {
    const LerpValues r = lerp_values(index, tb.rows);
    c.add(0, g * c.forward((read(r.i1, channel) - read(r.i0, channel)) * r.inside));
  }
  if (c.needs(1) && tb.cols > 1) {
    const LerpValues k = lerp_values(channel, tb.cols);
    c.add(1, g * c.forward((read(index, k.i1) - read(index, k.i0)) * k.inside));
  }
}

// cell_peek(index, channel): peek's bilinear read (clamped) of the cell's state.
void register_cell_peek() {
  OpDef op = cell_op("cell_peek", 2, 2);
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    return broadcast_shapes(in, "cell_peek");
  };
  op.eval = [](EvalCtx& c) { eval_reads(c, c.state[0], cell_table(c.node, "peek"), 0); };
  op.emit = [](EmitCtx& c) {
    emit_reads(
        c, [&](const std::string& i) { return c.state(0, i); }, cell_table(c.node, "peek"), 0);
  };
  op.adjoint = cell_peek_adjoint;
  register_op(std::move(op));
}

// The adjoint of a poke's value: its output's (a poke returns its value) plus what the
// cell's later reads gave the element it stored, which the take of the frame's pokes
// (cell_take) hands it. Positions are floored: they have none.
void cell_poke_adjoint(AdjointCtx& c) {
  const Value taken =
      c.buffer_take([](const std::shared_ptr<Cell>& adjoint, const std::vector<AdjointCtx>& pokes) {
        std::vector<Value> positions;
        for (const AdjointCtx& p : pokes) {
          positions.push_back(p.in(0));
          positions.push_back(p.in(2));
        }
        return make("cell_take", std::move(positions), {}, {.cell = adjoint});
      });
  if (c.needs(1)) c.add(1, c.has_grad() ? taken + c.grad() : taken);
}

// cell_poke(index, value, channel) -> value: stores value at poke_element(index, channel).
void register_cell_poke() {
  OpDef op = cell_op("cell_poke", 3, 3);
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    for (const Shape& s : in)
      if (!s.empty())
        throw Error("poke: index, value and channel must be scalars, got " + to_string(s));
    return Shape{};
  };
  op.eval = [](EvalCtx& c) {
    const int64_t at = poke_element(c.in[0][0], c.in[2][0], cell_table(c.node, "poke"));
    c.out[0] = c.state[0][at] = c.in[1][0];
  };
  op.emit = [](EmitCtx& c) {
    c.line("{ " + c_poke_element(c.in(0, "0"), c.in(2, "0"), cell_table(c.node, "poke")) +
           c.out("0") + " = " + c.in(1, "0") + "; " + c.state(0, "at_") + " = " + c.out("0") +
           "; }");
  };
  op.adjoint = cell_poke_adjoint;
  register_op(std::move(op));
}

}  // namespace

void register_cell_access_ops() {
  register_cell_peek();
  register_cell_poke();
  register_cell_adjoint_ops();
}

}  // namespace dgen

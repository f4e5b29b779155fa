// Element access to a history cell's state without copying the cell (docs/LANGUAGE.md,
// poke): cell_peek reads it like peek reads a table, cell_poke writes one element. They
// make loopers and recorders: a cell of a few seconds of samples written at a playhead.
// Like history_read and history_write they declare the cell's state (cell_state.hpp), so
// analysis orders every read of a frame before every write of it: a read sees the cell
// as the previous frame left it.
#include <cmath>

#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/cell_state.hpp"
#include "ops/emit_util.hpp"
#include "ops/table_read.hpp"

namespace dgen {
namespace {

Rate frame_rate(const std::vector<Rate>&, const Attrs&) { return Rate::frame(); }

Table cell_table(const Node& n, const char* op) { return table_of(op, cell_of(n).shape, 1); }

// An op on a cell's state, which it declares like history_read and history_write.
OpDef cell_op(const char* name, int inputs) {
  OpDef op;
  op.name = name;
  op.min_inputs = op.max_inputs = inputs;
  op.stateful = true;
  op.rate = frame_rate;
  op.state = cell_state;
  op.init_state = cell_init;
  return op;
}

// cell_peek(index, channel): peek's bilinear read (clamped) of the cell's state.
void register_cell_peek() {
  OpDef op = cell_op("cell_peek", 2);
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    return broadcast_shapes(in, "cell_peek");
  };
  op.eval = [](EvalCtx& c) { eval_reads(c, c.state[0], cell_table(c.node, "peek"), 0); };
  op.emit = [](EmitCtx& c) {
    emit_reads(
        c, [&](const std::string& i) { return c.state(0, i); }, cell_table(c.node, "peek"), 0);
  };
  register_op(std::move(op));
}

// The row a poke writes: floor(index) wrapped into [0, rows) (NaN and infinities: row 0),
// seen as float32 on every backend like floor (docs/LANGUAGE.md, Values).
int64_t poke_row(double index, int64_t rows) {
  const float x = float(index);
  if (!(std::fabs(x) < 1e15f)) return 0;
  const int64_t i = static_cast<int64_t>(std::floor(x)) % rows;
  return i < 0 ? i + rows : i;
}

// cell_poke(index, value, channel) -> value: stores value at row poke_row(index), column
// channel (floor, clamped), of the cell.
void register_cell_poke() {
  OpDef op = cell_op("cell_poke", 3);
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    for (const Shape& s : in)
      if (!s.empty())
        throw Error("poke: index, value and channel must be scalars, got " + to_string(s));
    return Shape{};
  };
  op.eval = [](EvalCtx& c) {
    const Table tb = cell_table(c.node, "poke");
    const int64_t row = poke_row(c.in[0][0], tb.rows), col = lerp_at(float(c.in[2][0]), tb.cols).i0;
    c.out[0] = c.state[0][row * tb.cols + col] = c.in[1][0];
  };
  op.emit = [](EmitCtx& c) {
    const Table tb = cell_table(c.node, "poke");
    const std::string rows = str(tb.rows);
    std::string body = "{ const float x_ = " + c.in(0, "0") +
                       "; int64_t i_ = fabsf(x_) < 1e15f ? (int64_t)floorf(x_) % " + rows +
                       " : 0; if (i_ < 0) i_ += " + rows + "; ";
    std::string at = "i_";
    if (tb.cols > 1) {
      body += clamp_decl("k", c.in(2, "0"), tb.cols);
      at = "i_ * " + str(tb.cols) + " + k_0";
    }
    c.line(body + c.out("0") + " = " + c.in(1, "0") + "; " + c.state(0, at) + " = " + c.out("0") +
           "; }");
  };
  register_op(std::move(op));
}

}  // namespace

void register_cell_access_ops() {
  register_cell_peek();
  register_cell_poke();
}

}  // namespace dgen

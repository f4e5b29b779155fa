// The ops of the adjoints of buffer access (cell_access.cpp): each acts on a backward cell
// that holds the adjoint of a buffer's contents, in place, one frame of reverse time at a
// time. cell_take is a read of that cell and the others are writes, so a frame takes from
// it (undoing the frame's pokes) before it adds to it (the frame's reads).
#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/cell_state.hpp"
#include "ops/emit_util.hpp"
#include "ops/table_read.hpp"

namespace dgen {
namespace {

Table adjoint_table(const Node& n) { return table_of("buffer adjoint", cell_of(n).shape, 1); }

// cell_take(index_1, channel_1, ..., index_n, channel_n) -> [n]: for a frame's n pokes of a
// buffer (in the order they ran), element k is the adjoint of the value poke k stored.
// From the last poke to the first it takes the adjoint of the element the poke wrote
// (poke_element) and zeroes it: an earlier poke of the same element gets 0, and so does
// the frame before, whose contents the poke overwrote.
void register_cell_take() {
  OpDef op = cell_op("cell_take", 2, -1);
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    if (in.size() % 2 != 0)
      throw Error("cell_take: expects (index, channel) pairs, got " + std::to_string(in.size()) +
                  " inputs");
    for (const Shape& s : in)
      if (!s.empty()) throw Error("cell_take: positions must be scalars, got " + to_string(s));
    return Shape{int64_t(in.size() / 2)};
  };
  op.eval = [](EvalCtx& c) {
    const Table tb = adjoint_table(c.node);
    for (int64_t k = c.node.size() - 1; k >= 0; --k) {
      double& a = c.state[0][poke_element(c.in[size_t(2 * k)][0], c.in[size_t(2 * k + 1)][0], tb)];
      c.out[k] = a;
      a = 0;
    }
  };
  op.emit = [](EmitCtx& c) {
    const Table tb = adjoint_table(c.node);
    for (int k = int(c.node.size()) - 1; k >= 0; --k)
      c.line("{ " + c_poke_element(c.in(2 * k, "0"), c.in(2 * k + 1, "0"), tb) + c.out(str(k)) +
             " = " + c.state(0, "at_") + "; " + c.state(0, "at_") + " = 0.0f; }");
  };
  register_op(std::move(op));
}

// cell_scatter(g, index, channel) -> g: the adjoint of cell_peek(index, channel), added into
// the cell at the entries the read mixed, with the read's weights (index, channel and g
// broadcast: one read per element).
void register_cell_scatter() {
  OpDef op = cell_op("cell_scatter", 3, 3);
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    return broadcast_shapes(in, "cell_scatter");
  };
  op.eval = [](EvalCtx& c) {
    const Table tb = adjoint_table(c.node);
    for (int64_t e = 0; e < c.node.size(); ++e) {
      auto at = [&](int i) {
        return c.in[size_t(i)][broadcast_index(c.node.shape, c.node.inputs[size_t(i)]->shape, e)];
      };
      const double g = at(0);
      const Lerp r = lerp_at(at(1), tb.rows), k = lerp_at(at(2), tb.cols);
      double* row0 = c.state[0] + r.i0 * tb.cols;
      double* row1 = c.state[0] + r.i1 * tb.cols;
      row0[k.i0] += (1 - r.frac) * (1 - k.frac) * g;
      row0[k.i1] += (1 - r.frac) * k.frac * g;
      row1[k.i0] += r.frac * (1 - k.frac) * g;
      row1[k.i1] += r.frac * k.frac * g;
      c.out[e] = g;
    }
  };
  op.emit = [](EmitCtx& c) {
    const Table tb = adjoint_table(c.node);
    auto in = [&](int i) {
      return c.in(i, broadcast_index_expr(c.node.shape, c.node.inputs[size_t(i)]->shape, "e"));
    };
    std::string body = "const float g_ = " + in(0) + "; " + lerp_decl("r", in(1), tb.rows);
    auto add = [&](const std::string& row, const std::string& col, const std::string& w) {
      body += c.state(0, row + " * " + str(tb.cols) + " + " + col) + " += " + w + " * g_; ";
    };
    if (tb.cols == 1) {  // as in the read, a single column needs no column weights
      add("r_0", "0", "(1.0f - r_f)");
      add("r_1", "0", "r_f");
    } else {
      body += lerp_decl("k", in(2), tb.cols);
      add("r_0", "k_0", "(1.0f - r_f) * (1.0f - k_f)");
      add("r_0", "k_1", "(1.0f - r_f) * k_f");
      add("r_1", "k_0", "r_f * (1.0f - k_f)");
      add("r_1", "k_1", "r_f * k_f");
    }
    emit_loop(c, c.node.size(), "e", body + c.out("e") + " = g_;");
  };
  register_op(std::move(op));
}

// cell_add(g) -> g: the adjoint of reading the whole cell (history_read), added into it.
void register_cell_add() {
  OpDef op = cell_op("cell_add", 1, 1);
  op.shape = [](const std::vector<Shape>& in, const Attrs&) { return in[0]; };
  op.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) c.state[0][e] += c.out[e] = c.in[0][e];
  };
  op.emit = [](EmitCtx& c) {
    emit_loop(
        c, c.node.size(), "e",
        c.out("e") + " = " + c.in(0, "e") + "; " + c.state(0, "e") + " += " + c.out("e") + ";");
  };
  register_op(std::move(op));
}

}  // namespace

void register_cell_adjoint_ops() {
  register_cell_take();
  register_cell_scatter();
  register_cell_add();
}

}  // namespace dgen

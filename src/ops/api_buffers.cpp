// History cells as buffers (cell_peek, cell_poke) and wrapping table reads (peek_wrap,
// sample_wrap): docs/LANGUAGE.md, poke and "Reads".
#include <string>

#include "dgen/error.hpp"
#include "dgen/ops_audio.hpp"
#include "ir/node.hpp"
#include "ops/cell_state.hpp"

namespace dgen {
namespace {

// The cell behind a History handle: every read node carries it (a read that nothing uses
// costs nothing; it is never scheduled).
std::shared_ptr<Cell> cell_behind(const History& history, const char* op) {
  std::shared_ptr<Cell> cell = history.read().node()->cell;
  if (cell->hop != 1 || cell->shape.empty() || cell->shape.size() > 2)
    throw Error(std::string(op) + ": history '" + cell->name +
                "' must be a 1-D [rows] or 2-D [rows, channels] cell of hop 1, got shape " +
                to_string(cell->shape) + " hop " + std::to_string(cell->hop));
  return cell;
}

// t ([rows] or [rows, columns]) with its first row appended as row `rows`, so that a
// clamped read at a position in [rows - 1, rows] interpolates from the last row to the
// first. A gather: static when t is, with a gradient to t.
Value with_first_row_appended(const Value& t, const char* op) {
  const Shape& shape = t.shape();
  if (shape.empty() || shape.size() > 2)
    throw Error(std::string(op) + ": the table must be 1-D [rows] or 2-D [rows, columns], got " +
                to_string(shape));
  const int64_t rows = shape[0], cols = shape.size() == 2 ? shape[1] : 1;
  std::vector<float> index(static_cast<size_t>((rows + 1) * cols));
  for (size_t i = 0; i < index.size(); ++i) index[i] = float(int64_t(i) % (rows * cols));
  Shape extended = shape;
  extended[0] = rows + 1;
  return gather(t, tensor(extended, std::move(index)));
}

}  // namespace

Value cell_peek(const History& cell, const Value& index, const Value& channel) {
  return make("cell_peek", {index, channel}, {}, {.cell = cell_behind(cell, "peek")});
}

Value cell_poke(const History& cell, const Value& index, const Value& value, const Value& channel) {
  return write_cell(cell_behind(cell, "poke"), "cell_poke", {index, value, channel});
}

Value peek_wrap(const Value& t, const Value& index, const Value& channel) {
  const Value extended = with_first_row_appended(t, "peek");
  return peek(extended, wrap(index, 0.0, double(t.shape()[0])), channel);
}

// The position (phase - floor(phase)) · rows is in [0, rows]: `rows` only for a phase a
// rounding below an integer, where the extended table's last row is row 0 again.
Value sample_wrap(const Value& t, const Value& phase, const Value& channel) {
  const Value extended = with_first_row_appended(t, "sample");
  return peek(extended, (phase - floor(phase)) * double(t.shape()[0]), channel);
}

}  // namespace dgen

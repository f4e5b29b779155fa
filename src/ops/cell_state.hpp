// The state of a history cell, which every node on the cell declares (history_read,
// history_write, cell_peek, cell_poke and the ops of their adjoints): one value per element,
// shared through the cell.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/table_read.hpp"

namespace dgen {

inline const Cell& cell_of(const Node& n) {
  const Cell* c = n.state_cell();
  if (!c) throw Error(n.op->name + ": history cell no longer exists");
  return *c;
}

inline std::vector<StateVar> cell_state(const Node& n) {
  return {{"cell", numel(cell_of(n).shape), false}};
}

inline void cell_init(const Node& n, int64_t, std::span<double* const> s) {
  const Cell& c = cell_of(n);
  for (int64_t e = 0; e < numel(c.shape); ++e) s[0][e] = c.init.empty() ? 0.0 : c.init[e];
}

// An op on a cell's state (cell_peek, cell_poke, the ops of their adjoints), which it
// declares like history_read and history_write: stateful, at frame rate.
OpDef cell_op(const char* name, int min_inputs, int max_inputs);

// A node of `op` that writes `cell`, which keeps it (a cell owns its writes).
Value write_cell(const std::shared_ptr<Cell>& cell, std::string_view op, std::vector<Value> inputs);

// The element of a cell, seen as table `tb`, that a poke at (index, channel) writes: row
// floor(index) wrapped into [0, rows) (NaN and infinities: row 0), seen as float32 on every
// backend like floor (docs/LANGUAGE.md, Values); column floor(channel), clamped.
int64_t poke_element(double index, double channel, Table tb);
// The same in C: statements that declare int64 `at_` (to go in a scope of their own).
std::string c_poke_element(const std::string& index, const std::string& channel, Table tb);

// Registered by register_state_ops (state.cpp).
void register_cell_access_ops();  // cell_peek, cell_poke (cell_access.cpp)
// cell_take, cell_scatter, cell_add (cell_adjoint.cpp), by register_cell_access_ops.
void register_cell_adjoint_ops();

}  // namespace dgen

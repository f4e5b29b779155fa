// The state of a history cell, which every node on the cell declares (history_read,
// history_write, cell_peek, cell_poke): one value per element, shared through the cell.
#pragma once
#include <span>
#include <vector>

#include "dgen/error.hpp"
#include "ir/op_table.hpp"

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

// Registered by register_state_ops (state.cpp).
void register_cell_access_ops();  // cell_peek, cell_poke (cell_access.cpp)

}  // namespace dgen

#include "analysis/lane_shared.hpp"

#include "ir/op_table.hpp"

namespace dgen {

std::vector<bool> lane_shared(const Graph& g) {
  const size_t n = g.nodes.size();
  std::vector<bool> output(n, false), shared(n, true), cell_shared(g.cells.size(), true);
  for (int i : g.output_index) output[size_t(i)] = true;
  // Every node starts shared; a node that is not loses it, and with it its cell: a
  // fixpoint over the graph's cycles through cells.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n; ++i) {
      if (!shared[i]) continue;
      const int cell = g.cell_of[i];
      bool u = !g.nodes[i]->op->per_lane && !output[i] && (cell < 0 || cell_shared[size_t(cell)]);
      for (int k : g.inputs[i]) u = u && shared[size_t(k)];
      if (u) continue;
      shared[i] = false;
      if (cell >= 0) cell_shared[size_t(cell)] = false;
      changed = true;
    }
  }
  return shared;
}

}  // namespace dgen

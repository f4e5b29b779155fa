// The graph as text for people (DGEN_DEBUG=graph, dgen info --dump graph): one line a
// node in topological order, then the history cells with their reads and writes.
#include <string>

#include "analysis/graph.hpp"
#include "ir/format_number.hpp"
#include "ir/op_table.hpp"

namespace dgen {
namespace {

std::string node_list(const std::vector<int>& nodes) {
  std::string out;
  for (int i : nodes) out += (out.empty() ? "#" : " #") + std::to_string(i);
  return out.empty() ? "-" : out;
}

std::string attributes(const Attrs& a) {
  std::string out;
  if (!a.ints.empty()) {
    out += " ints=[";
    for (size_t k = 0; k < a.ints.size(); ++k) out += (k ? ", " : "") + std::to_string(a.ints[k]);
    out += "]";
  }
  if (!a.reals.empty()) {
    out += " reals=[";
    for (size_t k = 0; k < a.reals.size(); ++k) out += (k ? ", " : "") + format_number(a.reals[k]);
    out += "]";
  }
  return out;
}

}  // namespace

std::string describe(const Graph& g) {
  std::vector<int> scc_size(g.nodes.size(), 0);
  for (int c : g.scc) ++scc_size[size_t(c)];
  std::string out = "graph: " + std::to_string(g.nodes.size()) + " nodes, " +
                    std::to_string(g.cells.size()) + " cells, " +
                    std::to_string(g.output_index.size()) + " outputs\n";
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = *g.nodes[i];
    out += "  #" + std::to_string(i) + " " + n.op->name +
           (g.inputs[i].empty() ? "" : " (" + node_list(g.inputs[i]) + ")") + " " +
           to_string(n.shape) + " " + to_string(n.rate) + attributes(n.attrs);
    if (n.param) out += " param '" + n.param->name + "'";
    if (n.data) out += " literal of " + std::to_string(n.data->size()) + " values";
    if (g.cell_of[i] >= 0) out += " cell " + std::to_string(g.cell_of[i]);
    // A recurrence: the nodes of one SCC run in one frame-serial region.
    if (scc_size[size_t(g.scc[i])] > 1) out += " recurrence " + std::to_string(g.scc[i]);
    out += "\n";
  }
  for (size_t c = 0; c < g.cells.size(); ++c) {
    const Cell& cell = *g.cells[c].cell;
    out += "  cell " + std::to_string(c) + (cell.name.empty() ? "" : " '" + cell.name + "'") + " " +
           to_string(cell.shape) + (cell.hop > 1 ? " hop " + std::to_string(cell.hop) : "") +
           ": reads " + node_list(g.cells[c].reads) + ", writes " + node_list(g.cells[c].writes) +
           "\n";
  }
  return out;
}

}  // namespace dgen

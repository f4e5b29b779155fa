// The graph a compilation sees: every node reachable from the outputs (plus the writes
// of every history cell read), in a deterministic topological order, with the three
// kinds of edge kept apart (DESIGN §3.3): value edges (inputs), ordering edges (a cell's
// reads run before its writes in a frame, its writes in the order they were made) and
// state edges (a write at t feeds the reads at t + 1).
#pragma once
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/node.hpp"

namespace dgen {

struct Graph {
  std::vector<NodeRef> outputs;
  std::vector<const Node*> nodes;  // topological order over value + ordering edges
  std::unordered_map<const Node*, int> index;
  std::vector<std::vector<int>> inputs;  // value edges, by node index
  std::vector<std::vector<int>> users;   // reverse value edges
  std::vector<int> instance;             // number of earlier nodes of the same op
  // Every cell with its reads and writes (node indices).
  struct CellNodes {
    const Cell* cell;
    std::vector<int> reads, writes;
  };
  std::vector<CellNodes> cells;
  std::vector<int> cell_of;       // node -> index into cells, or -1
  std::vector<int> scc;           // strongly connected component over all three edge kinds
  std::vector<int> output_index;  // node index of each output
  // The graph a rewrite (src/analysis/stack_scalars.hpp) started from, kept alive: `index`
  // also maps each of its nodes that the rewrite rebuilt to the replacement's index.
  std::vector<NodeRef> rewritten_from;
};

Graph build_graph(const std::vector<NodeRef>& outputs);

// The graph for people, one node a line: index, op, inputs, shape, rate, attributes, its
// param, literal, cell and recurrence; then every cell with its reads and writes.
std::string describe(const Graph& g);

// Hash of the graph's structure: ops, attributes, shapes, rates, edges and constants.
// Param values and literal tensor data are not part of it: both live in the arena and
// are written by the runtime, never baked into code.
uint64_t structural_hash(const Graph& g);

}  // namespace dgen

// Stacking: a graph pass before scheduling that turns many isomorphic, independent scalar
// subgraphs into tensor-shaped nodes (docs/ARCHITECTURE.md, "Stacked scalars").
//
// Scalar nodes of a `stackable` op (src/ir/op_table.hpp) are grouped by structure: the
// same op, attributes and rate, operands that are either grouped the same way or lie
// outside the groups (constants, params, anything else), and for a history read the
// structure of what its cell's write stores. A group of at least `min_group` nodes becomes
// one node over a tensor of shape [n]: its grouped operands are the tensors of their
// groups (gathered when the order differs), the other operands a literal tensor of the
// constants, one shared scalar, or `stack` of the scalars (a param stays a param). Each
// stacked history cell keeps every element's state and initial value. A chain of scalar
// adds whose terms include many elements of one group becomes a sum over its tensor;
// other consumers read elements back with `gather`. The code the C compiler sees then
// grows with the number of distinct subgraphs, not with the number of copies.
//
// Members of a group never depend on each other within a frame: they have the same depth
// in the frame's value DAG (history reads are its sources; the depth is part of what is
// compared), and a node lies strictly deeper than anything it reads. Programs without a
// group of `min_group` nodes are returned unchanged.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "analysis/graph.hpp"

namespace dgen {

// Groups smaller than this are left as they are: stacking them would not pay for the
// gathers and stacks around them, and small programs keep their code.
inline constexpr int64_t kMinStackGroup = 32;

struct Stacking {
  std::vector<NodeRef> outputs;  // the program's outputs after the pass
  // Nodes of the input graph that the pass rebuilt, with their replacements, so that a
  // caller that looks nodes up by identity (GradProgram's tapes and sums) finds them.
  std::vector<std::pair<NodeRef, NodeRef>> rebuilt;
  int64_t groups = 0;      // groups stacked
  int64_t stacked = 0;     // scalar nodes they replace
  int64_t reductions = 0;  // add chains that became sums
  bool changed() const { return groups > 0; }
};

Stacking stack_scalars(const Graph& g, int64_t min_group = kMinStackGroup);

}  // namespace dgen

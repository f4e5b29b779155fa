#include "lower/lowering.hpp"

namespace dgen {

int max_input_channel(const Schedule& s) {
  int m = 0;
  for (const Node* n : s.graph.nodes)
    if (n->op->name == "in") m = std::max<int>(m, int(n->attrs.ints[0]));
  return m;
}

lir::Block lower(const Schedule& s, const LowerTarget& target) {
  return lowering::Lowering(s, target).lower();
}

}  // namespace dgen

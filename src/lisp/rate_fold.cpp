#include "lisp/rate_fold.hpp"

#include <vector>

#include "ir/node.hpp"
#include "ir/op_table.hpp"

namespace dgen::lisp {
namespace {

// Evaluation depth cap: a size expression is a few ops deep.
constexpr int kMaxDepth = 64;

std::optional<double> fold(const Node& n, double sample_rate, int depth) {
  const OpDef& op = *n.op;
  if (depth > kMaxDepth || !n.shape.empty() || !n.rate.is_static() || op.stateful ||
      op.source != Source::Computed || op.exec != Exec::AtRate || !op.eval || n.state_cell())
    return std::nullopt;
  std::vector<double> inputs;
  for (const NodeRef& in : n.inputs) {
    const std::optional<double> v = fold(*in, sample_rate, depth + 1);
    if (!v) return std::nullopt;
    inputs.push_back(*v);
  }
  double out = 0;
  EvalCtx c{.node = n, .out = &out, .sr = sample_rate};
  for (const double& v : inputs) c.in.push_back(&v);
  op.eval(c);
  return out;
}

}  // namespace

std::optional<double> fold_at_rate(const Value& v, double sample_rate) {
  return fold(*v.node(), sample_rate, 0);
}

}  // namespace dgen::lisp

#include "ir/node.hpp"

#include "dgen/error.hpp"
#include "ir/op_table.hpp"

namespace dgen {

const Cell* Node::state_cell() const {
  if (cell) return cell.get();
  return written_cell.lock().get();
}

Value make(std::string_view op_name, std::vector<Value> inputs, Attrs attrs, NodeExtras extras) {
  const OpDef& op = op_def(op_name);
  const int n = static_cast<int>(inputs.size());
  if (n < op.min_inputs || (op.max_inputs >= 0 && n > op.max_inputs)) {
    std::string want = op.min_inputs == op.max_inputs ? std::to_string(op.min_inputs)
                       : op.max_inputs < 0 ? "at least " + std::to_string(op.min_inputs)
                                           : std::to_string(op.min_inputs) + " to " +
                                                 std::to_string(op.max_inputs);
    throw Error(op.name + ": expected " + want + " inputs, got " + std::to_string(n));
  }
  auto node = std::make_shared<Node>();
  node->op = &op;
  std::vector<Shape> shapes;
  std::vector<Rate> rates;
  for (const Value& v : inputs) {
    node->inputs.push_back(v.node());
    shapes.push_back(v.shape());
    rates.push_back(v.rate());
  }
  node->attrs = std::move(attrs);
  node->cell = std::move(extras.cell);
  node->written_cell = std::move(extras.written_cell);
  node->param = std::move(extras.param);
  node->data = std::move(extras.data);
  node->shape = op.shape ? op.shape(shapes, node->attrs) : Shape{};
  if (op.rate) {
    node->rate = op.rate(rates, node->attrs);
  } else {
    Rate r = Rate::constant();
    for (Rate x : rates) r = fastest(r, x);
    node->rate = r;
  }
  return Value(NodeRef(std::move(node)));
}

}  // namespace dgen

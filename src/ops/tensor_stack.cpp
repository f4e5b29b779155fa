// stack(x0, x1, ...): scalars gathered into a tensor of shape [n], element k = xk. The
// stacking pass (src/analysis/stack_scalars.hpp) builds it from the operands of stacked
// nodes that are neither constants nor stacked themselves (params, one per element,
// stay settable on their own).
#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/emit_util.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {

void register_tensor_stack_op() {
  OpDef op;
  op.name = "stack";
  op.min_inputs = 1;
  op.max_inputs = -1;
  op.cheap = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    for (const Shape& s : in)
      if (!s.empty()) throw Error("stack: every operand must be a scalar, got " + to_string(s));
    return Shape{int64_t(in.size())};
  };
  op.eval = [](EvalCtx& c) {
    for (size_t k = 0; k < c.in.size(); ++k) c.out[k] = c.in[k][0];
  };
  op.emit = [](EmitCtx& c) {
    for (size_t k = 0; k < c.node.inputs.size(); ++k)
      c.line(c.out(str(int64_t(k))) + " = " + c.in(int(k), "0") + ";");
  };
  // Element k's adjoint is operand k's.
  op.adjoint = [](AdjointCtx& c) {
    if (!c.has_grad()) return;
    for (size_t k = 0; k < c.node.inputs.size(); ++k)
      if (c.needs(int(k))) c.add(int(k), gather(c.grad(), double(k)));
  };
  register_op(std::move(op));
}

}  // namespace dgen

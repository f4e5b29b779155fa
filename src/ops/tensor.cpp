// Tensor ops (SPEC §2.4): the family's registration entry point and shared helpers.
#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/emit_util.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {

void register_tensor_ops() {
  register_tensor_view_ops();
  register_tensor_reduce_ops();
  register_tensor_linear_ops();
  register_tensor_read_ops();
  register_tensor_stack_op();
}

int64_t normalize_axis(int64_t axis, const Shape& shape, const std::string& op) {
  const int64_t rank = int64_t(shape.size());
  if (axis < -rank || axis >= rank)
    throw Error(op + ": axis " + std::to_string(axis) + " is out of range for shape " +
                to_string(shape));
  return axis < 0 ? axis + rank : axis;
}

Shape strides_of(const Shape& shape) {
  Shape s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
  return s;
}

AxisSplit split_at(const Shape& shape, int64_t axis) {
  AxisSplit s;
  for (int64_t d = 0; d < int64_t(shape.size()); ++d)
    (d < axis ? s.outer : d == axis ? s.n : s.inner) *= shape[d];
  return s;
}

std::string c_for(const std::string& var, int64_t n, const std::string& body) {
  return "for (int64_t " + var + " = 0; " + var + " < " + str(n) + "; ++" + var + ") { " + body +
         " }";
}

std::string c_sum_for(const std::string& var, int64_t n, const std::string& body) {
  return "_Pragma(\"omp simd reduction(+:acc_)\") " + c_for(var, n, body);
}

}  // namespace dgen

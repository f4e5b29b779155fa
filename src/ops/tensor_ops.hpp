// The tensor family (SPEC §2.4) is registered from several files, one job each;
// register_tensor_ops() in tensor.cpp calls them all. The helpers below are the shape
// arithmetic those files share.
#pragma once
#include <cstdint>
#include <string>

#include "dgen/shape.hpp"

namespace dgen {

void register_tensor_view_ops();    // reshape transpose shrink pad expand repeat (tensor_views.cpp)
void register_tensor_reduce_ops();  // sum/mean/max over all or one axis, cumsum (tensor_reduce.cpp)
void register_tensor_linear_ops();  // matmul conv1d conv2d (tensor_linear.cpp)
void register_tensor_read_ops();    // peek peek_row gather to_signal (tensor_reads.cpp)
void register_tensor_stack_op();    // stack (tensor_stack.cpp)

// `axis` in [-rank, rank) made non-negative; throws dgen::Error naming the op and shape.
int64_t normalize_axis(int64_t axis, const Shape& shape, const std::string& op);

// Row-major strides of a shape (the last is 1).
Shape strides_of(const Shape& shape);

// A shape seen as [outer, n, inner] around one axis: element (o, k, j) is at flat index
// (o * n + k) * inner + j.
struct AxisSplit {
  int64_t outer = 1, n = 1, inner = 1;
};
AxisSplit split_at(const Shape& shape, int64_t axis);  // axis already normalized

// "for (int64_t VAR = 0; VAR < n; ++VAR) { BODY }" as one C statement.
std::string c_for(const std::string& var, int64_t n, const std::string& body);
// The same for a loop that sums into `acc_`: marked as an OpenMP SIMD reduction, the one
// loop the C compiler may reassociate (dgen compiles without -fassociative-math so that
// recurrences keep the order their graph gives them).
std::string c_sum_for(const std::string& var, int64_t n, const std::string& body);

}  // namespace dgen

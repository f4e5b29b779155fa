// Numpy broadcasting shared by every elementwise op: the result shape, and for each input
// the flat index that an output element reads (in the interpreter as a number, in
// generated C as an expression).
#pragma once
#include <string>
#include <vector>

#include "dgen/shape.hpp"

namespace dgen {

// Throws dgen::Error naming the op and both shapes when they do not broadcast.
Shape broadcast_shapes(const std::vector<Shape>& shapes, const std::string& op);

// Flat index into `in` read by output element `flat` of `out` (in broadcasts to out).
int64_t broadcast_index(const Shape& out, const Shape& in, int64_t flat);

// The same as a C expression of the output flat index expression `flat`.
std::string broadcast_index_expr(const Shape& out, const Shape& in, const std::string& flat);

}  // namespace dgen

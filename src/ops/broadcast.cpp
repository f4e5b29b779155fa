#include "ops/broadcast.hpp"

#include "dgen/error.hpp"

namespace dgen {

Shape broadcast_shapes(const std::vector<Shape>& shapes, const std::string& op) {
  Shape out;
  for (const Shape& s : shapes) {
    if (s.size() > out.size()) out.insert(out.begin(), s.size() - out.size(), 1);
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[out.size() - s.size() + i];
      int64_t d = s[i];
      if (o == d || d == 1) continue;
      if (o == 1) {
        o = d;
        continue;
      }
      std::string names;
      for (size_t k = 0; k < shapes.size(); ++k) names += (k ? " and " : "") + to_string(shapes[k]);
      throw Error(op + ": shapes " + names + " do not broadcast");
    }
  }
  return out;
}

int64_t broadcast_index(const Shape& out, const Shape& in, int64_t flat) {
  if (in == out) return flat;
  int64_t index = 0, in_stride = 1;
  const size_t lead = out.size() - in.size();
  for (size_t d = out.size(); d-- > 0;) {
    const int64_t coord = flat % out[d];
    flat /= out[d];
    if (d < lead) continue;
    const int64_t dim = in[d - lead];
    if (dim != 1) index += coord * in_stride;
    in_stride *= dim;
  }
  return index;
}

std::string broadcast_index_expr(const Shape& out, const Shape& in, const std::string& flat) {
  if (in == out) return flat;
  if (numel(in) == 1) return "0";
  std::string expr;
  int64_t out_stride = 1, in_stride = 1;
  const size_t lead = out.size() - in.size();
  for (size_t d = out.size(); d-- > lead;) {
    const int64_t dim = in[d - lead];
    if (dim != 1) {
      std::string coord = "((" + flat + ") / " + std::to_string(out_stride) + " % " +
                          std::to_string(out[d]) + ")";
      expr += (expr.empty() ? "" : " + ") + coord + " * " + std::to_string(in_stride);
    }
    out_stride *= out[d];
    in_stride *= dim;
  }
  return expr.empty() ? "0" : "(" + expr + ")";
}

}  // namespace dgen

// The C++ API of SPEC §2.4 beyond creation (api_create.cpp): thin wrappers that build the
// primitive nodes of the tensor family, plus softmax and sample, which are compositions
// (their shapes, emission and gradients come from the primitives).
#include <numeric>

#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/node.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {
namespace {

std::vector<int64_t> flatten(const std::vector<std::pair<int64_t, int64_t>>& pairs) {
  std::vector<int64_t> flat;
  for (auto [first, second] : pairs) {
    flat.push_back(first);
    flat.push_back(second);
  }
  return flat;
}

Attrs ints(std::vector<int64_t> values) { return {std::move(values), {}}; }

}  // namespace

Value reshape(const Value& x, Shape shape) { return make("reshape", {x}, ints(std::move(shape))); }

Value transpose(const Value& x, std::vector<int64_t> axes) {
  if (axes.empty()) {
    axes.resize(x.shape().size());
    std::iota(axes.rbegin(), axes.rend(), 0);
  }
  return make("transpose", {x}, ints(std::move(axes)));
}

Value shrink(const Value& x, std::vector<std::pair<int64_t, int64_t>> ranges) {
  return make("shrink", {x}, ints(flatten(ranges)));
}

Value pad(const Value& x, std::vector<std::pair<int64_t, int64_t>> before_after) {
  return make("pad", {x}, ints(flatten(before_after)));
}

Value expand(const Value& x, Shape shape) { return make("expand", {x}, ints(std::move(shape))); }
Value repeat(const Value& x, std::vector<int64_t> reps) {
  return make("repeat", {x}, ints(std::move(reps)));
}

Value sum(const Value& x) { return make("sum_all", {x}); }
Value mean(const Value& x) { return make("mean_all", {x}); }
Value max(const Value& x) { return make("max_all", {x}); }
Value sum_axis(const Value& x, int64_t axis) { return make("sum_axis", {x}, ints({axis})); }
Value mean_axis(const Value& x, int64_t axis) { return make("mean_axis", {x}, ints({axis})); }
Value max_axis(const Value& x, int64_t axis) { return make("max_axis", {x}, ints({axis})); }
Value cumsum(const Value& x, int64_t axis) { return make("cumsum", {x}, ints({axis})); }

// softmax = exp(x - max) / Σ exp(x - max) along the axis; the max and the sum are reshaped
// to keep the axis (size 1) so that elementwise broadcasting spreads them back over it.
Value softmax(const Value& x, int64_t axis) {
  const int64_t a = normalize_axis(axis, x.shape(), "softmax");
  Shape kept = x.shape();
  kept[a] = 1;
  const Value e = exp(x - reshape(max_axis(x, a), kept));
  return e / reshape(sum_axis(e, a), kept);
}

Value matmul(const Value& a, const Value& b) { return make("matmul", {a, b}); }

Value conv1d(const Value& x, const Value& k, Padding padding) {
  return make("conv1d", {x, k}, ints({padding == Padding::Same ? 1 : 0}));
}
Value conv2d(const Value& x, const Value& k, Padding padding) {
  return make("conv2d", {x, k}, ints({padding == Padding::Same ? 1 : 0}));
}

Value peek(const Value& t, const Value& index, const Value& channel) {
  return make("peek", {t, index, channel});
}

// sample = peek at wrap01(phase) * rows: a phase in [0, 1) scans the table's rows once.
Value sample(const Value& t, const Value& phase, const Value& channel) {
  const Shape& shape = t.shape();
  if (shape.empty() || shape.size() > 2)
    throw Error("sample: the table must be 1-D [rows] or 2-D [rows, columns], got " +
                to_string(shape));
  return peek(t, (phase - floor(phase)) * double(shape[0]), channel);
}

Value peek_row(const Value& t, const Value& index) { return make("peek_row", {t, index}); }
Value gather(const Value& t, const Value& indices) { return make("gather", {t, indices}); }
Value to_signal(const Value& t) { return make("to_signal", {t}); }

}  // namespace dgen

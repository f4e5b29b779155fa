// Tensor creation (SPEC §2.4) and the Hann window (§2.3): all literals, computed here
// once and stored in the arena (never baked into generated code).
#include <cmath>
#include <numbers>
#include <random>

#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/node.hpp"

namespace dgen {

Value tensor(Shape shape, std::vector<float> data) {
  if (int64_t(data.size()) != numel(shape))
    throw Error("tensor: " + std::to_string(data.size()) + " values for shape " + to_string(shape));
  if (shape.empty()) return Value(double(data[0]));
  return make("tensor", {}, {shape, {}}, {.data = std::make_shared<const std::vector<float>>(std::move(data))});
}
namespace {

// The number of elements of a tensor `op` is about to fill, refused before allocating
// when the shape is empty or too large.
size_t elements_to_fill(const char* op, const Shape& shape) {
  check_dims(op, shape);
  const int64_t n = numel(shape);
  if (n > (int64_t(1) << 28)) throw Error("tensor of shape " + to_string(shape) + " is too large");
  return size_t(n);
}

}  // namespace

Value full(Shape shape, double value) {
  const size_t n = elements_to_fill("full", shape);
  return tensor(std::move(shape), std::vector<float>(n, float(value)));
}
Value zeros(Shape shape) { return full(std::move(shape), 0.0); }
Value ones(Shape shape) { return full(std::move(shape), 1.0); }
Value randn(Shape shape, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist;
  std::vector<float> data(elements_to_fill("randn", shape));
  for (float& v : data) v = dist(gen);
  return tensor(std::move(shape), std::move(data));
}
Value hann(int64_t n) {
  if (n < 1) throw Error("hann: size must be >= 1, got " + std::to_string(n));
  std::vector<float> w(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) w[i] = float(0.5 * (1 - std::cos(2 * std::numbers::pi * double(i) / double(n))));
  return tensor({n}, std::move(w));
}

}  // namespace dgen

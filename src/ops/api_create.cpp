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
Value full(Shape shape, double value) {
  for (int64_t d : shape)
    if (d < 1) throw Error("full: shape dimensions must be >= 1, got " + to_string(shape));
  const int64_t n = numel(shape);
  if (n > (int64_t(1) << 28)) throw Error("tensor of shape " + to_string(shape) + " is too large");
  return tensor(std::move(shape), std::vector<float>(size_t(n), float(value)));
}
Value zeros(Shape shape) { return full(std::move(shape), 0.0); }
Value ones(Shape shape) { return full(std::move(shape), 1.0); }
Value randn(Shape shape, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist;
  std::vector<float> data(static_cast<size_t>(numel(shape)));
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

#include "ops/spectrum_util.hpp"

#include <vector>

#include "dgen/ops.hpp"
#include "ir/node.hpp"

namespace dgen {

Value complex_part(const Value& stacked, int64_t k, int64_t bins) {
  Shape s = stacked.shape();
  if (bins >= 0) s.back() = bins;
  std::vector<std::pair<int64_t, int64_t>> ranges{{k, k + 1}};
  for (size_t d = 1; d < s.size(); ++d) ranges.push_back({0, s[d]});
  return reshape(shrink(stacked, std::move(ranges)), Shape(s.begin() + 1, s.end()));
}

std::pair<Value, Value> fft_lower_bins(const Value& x) {
  const Value spectrum = make("fft_complex", {x, 0.0}, {{0}, {}});
  const int64_t bins = x.shape().empty() ? 1 : x.shape().back() / 2 + 1;
  return {complex_part(spectrum, 0, bins), complex_part(spectrum, 1, bins)};
}

Value lower_bins(const Value& x, int64_t half) {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (size_t d = 0; d + 1 < x.shape().size(); ++d) ranges.push_back({0, x.shape()[d]});
  ranges.push_back({0, half + 1});
  return shrink(x, std::move(ranges));
}

std::pair<Value, Value> mirrored(const Value& re, const Value& im, int64_t half) {
  const int64_t n = 2 * half;
  std::vector<float> index(static_cast<size_t>(n)), sign(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    index[size_t(k)] = float(k <= half ? k : n - k);
    sign[size_t(k)] = k <= half ? 1.0f : -1.0f;
  }
  const Value at = tensor({n}, std::move(index));
  return {gather(re, at), gather(im, at) * tensor({n}, std::move(sign))};
}

}  // namespace dgen

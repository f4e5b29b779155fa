// The C++ API of SPEC §2.3 (hann lives with the tensor literals in api_create.cpp).
// fft and ifft are views of one complex FFT primitive whose result [2, ..., N] stacks the
// real parts on the imaginary parts.
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/node.hpp"

namespace dgen {
namespace {

// Part k, of shape [...], of a stacked complex result of shape [2, ...].
Value complex_part(const Value& stacked, int64_t k) {
  const Shape& s = stacked.shape();
  std::vector<std::pair<int64_t, int64_t>> ranges{{k, k + 1}};
  for (size_t d = 1; d < s.size(); ++d) ranges.push_back({0, s[d]});
  return reshape(shrink(stacked, std::move(ranges)), Shape(s.begin() + 1, s.end()));
}

}  // namespace

Value buffer(const Value& x, int64_t n, int64_t hop) { return make("buffer", {x}, {{n, hop}, {}}); }
Value overlap_add(const Value& window, int64_t hop) {
  return make("overlap_add", {window}, {{hop}, {}});
}
Value hop_hold(const Value& x, int64_t hop) { return make("hop_hold", {x}, {{hop}, {}}); }

std::pair<Value, Value> fft(const Value& x) {
  const Value spectrum = make("fft_complex", {x, 0.0}, {{0}, {}});
  return {complex_part(spectrum, 0), complex_part(spectrum, 1)};
}

Value ifft(const Value& re, const Value& im) {
  if (re.shape() != im.shape())
    throw Error("ifft: real and imaginary parts differ in shape: " + to_string(re.shape()) +
                " and " + to_string(im.shape()));
  return complex_part(make("fft_complex", {re, im}, {{1}, {}}), 0);
}

}  // namespace dgen

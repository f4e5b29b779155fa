// Window tensors and the im2col view (docs/LANGUAGE.md, "Windows"). The windows are
// literals computed once; `windows` is a gather with a static index, whose adjoint
// scatter-adds into the overlapping input elements.
#include <cmath>
#include <numbers>

#include "dgen/error.hpp"
#include "dgen/ops_audio.hpp"

namespace dgen {

Value window(WindowType type, int64_t n) {
  if (type == WindowType::Hann) return hann(n);
  if (n < 1) throw Error("window: size must be >= 1, got " + std::to_string(n));
  std::vector<float> w(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double a = 2 * std::numbers::pi * double(i) / double(n);
    w[size_t(i)] =
        float(type == WindowType::Hamming ? 0.54 - 0.46 * std::cos(a)
                                          : 0.42 - 0.5 * std::cos(a) + 0.08 * std::cos(2 * a));
  }
  return tensor({n}, std::move(w));
}

Value windows(const Value& x, int64_t kh, int64_t kw) {
  const Shape& s = x.shape();
  if (s.size() != 2) throw Error("windows: expects a 2-D tensor [H, W], got " + to_string(s));
  if (kh < 1 || kw < 1 || kh > s[0] || kw > s[1])
    throw Error("windows: a " + std::to_string(kh) + " x " + std::to_string(kw) +
                " window does not fit in " + to_string(s));
  const int64_t oh = s[0] - kh + 1, ow = s[1] - kw + 1;
  std::vector<float> index;
  index.reserve(static_cast<size_t>(oh * ow * kh * kw));
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j)
      for (int64_t a = 0; a < kh; ++a)
        for (int64_t b = 0; b < kw; ++b) index.push_back(float((i + a) * s[1] + (j + b)));
  return gather(x, tensor({oh, ow, kh, kw}, std::move(index)));
}

}  // namespace dgen

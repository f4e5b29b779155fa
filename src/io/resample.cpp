#include "io/resample.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "dgen/error.hpp"

namespace dgen::io {
namespace {

// Half the kernel's length in zero crossings of the sinc, and the Kaiser window's shape:
// beta 8.6 puts the side lobes near -90 dB, below 16-bit quantisation.
constexpr double kHalfWidth = 32, kBeta = 8.6;
// The passband edge as a fraction of the lower Nyquist frequency: the rest is the
// transition band, which the window's main lobe needs.
constexpr double kPassband = 0.94;

double kaiser(double u) {  // u in [-1, 1]
  return std::cyl_bessel_i(0.0, kBeta * std::sqrt(std::max(0.0, 1 - u * u))) /
         std::cyl_bessel_i(0.0, kBeta);
}

// The window tabulated over |u| in [0, 1] and read linearly: a Bessel function per tap
// would cost seconds for a long recording; the table's error is below 1e-7.
class KaiserTable {
 public:
  KaiserTable() {
    for (size_t i = 0; i < kSize; ++i) v_[i] = kaiser(double(i) / double(kSize - 1));
  }
  double operator()(double u) const {
    const double x = std::min(std::fabs(u), 1.0) * double(kSize - 1);
    const auto i = std::min<size_t>(size_t(x), kSize - 2);
    return v_[i] + (x - double(i)) * (v_[i + 1] - v_[i]);
  }

 private:
  static constexpr size_t kSize = 8193;
  double v_[kSize];
};

double sinc(double x) {
  if (std::fabs(x) < 1e-12) return 1;
  return std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
}

}  // namespace

std::vector<float> resample(std::span<const float> x, double from, double to) {
  for (double rate : {from, to})
    if (!(std::isfinite(rate) && rate > 0))
      throw Error("resample: sample rates must be positive, got " + std::to_string(rate));
  if (from == to) return {x.begin(), x.end()};
  static const KaiserTable window;
  const auto n_in = static_cast<int64_t>(x.size());
  const int64_t n_out = std::max<int64_t>(1, std::llround(double(n_in) * to / from));
  // The kernel in input samples: cutoff c (cycles per input sample × 2), half-width w.
  const double c = kPassband * std::min(1.0, to / from), w = kHalfWidth / c;
  std::vector<float> y(static_cast<size_t>(n_out));
  for (int64_t m = 0; m < n_out; ++m) {
    const double t = double(m) * from / to;
    const int64_t lo = std::max<int64_t>(0, int64_t(std::ceil(t - w)));
    const int64_t hi = std::min<int64_t>(n_in - 1, int64_t(std::floor(t + w)));
    double acc = 0;
    for (int64_t k = lo; k <= hi; ++k)
      acc += double(x[size_t(k)]) * c * sinc(c * (t - double(k))) * window((t - double(k)) / w);
    y[size_t(m)] = float(acc);
  }
  return y;
}

}  // namespace dgen::io

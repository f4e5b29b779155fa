#include "train/resample.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "dgen/error.hpp"

namespace dgen::train {

std::vector<float> resample(std::span<const float> x, double from_rate, double to_rate) {
  if (!(from_rate > 0) || !(to_rate > 0)) throw Error("resample: sample rates must be > 0");
  if (from_rate == to_rate) return {x.begin(), x.end()};
  constexpr double kZeroCrossings = 32;
  const double step = from_rate / to_rate;                   // input samples per output sample
  const double cutoff = std::min(1.0, to_rate / from_rate);  // of the input's Nyquist
  const double half_width = kZeroCrossings / cutoff;         // in input samples
  const auto n_out = size_t(std::llround(double(x.size()) / step));
  std::vector<float> y(n_out);
  for (size_t j = 0; j < n_out; ++j) {
    const double centre = double(j) * step;
    const auto first = int64_t(std::max(0.0, std::ceil(centre - half_width)));
    const auto last = std::min(int64_t(x.size()) - 1, int64_t(std::floor(centre + half_width)));
    double sum = 0;
    for (int64_t i = first; i <= last; ++i) {
      const double d = double(i) - centre, a = std::numbers::pi * cutoff * d;
      const double sinc = d == 0 ? 1.0 : std::sin(a) / a;
      const double w = 0.42 + 0.5 * std::cos(std::numbers::pi * d / half_width) +
                       0.08 * std::cos(2 * std::numbers::pi * d / half_width);
      sum += double(x[size_t(i)]) * cutoff * sinc * w;
    }
    y[j] = float(sum);
  }
  return y;
}

}  // namespace dgen::train

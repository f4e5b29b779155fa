#include "ops/loss_parts.hpp"

#include <algorithm>

#include "dgen/ops.hpp"
#include "ir/node.hpp"
#include "ops/spectrum_util.hpp"

namespace dgen::loss_parts {

WindowSpectrum window_spectrum(const Value& x, int64_t n, int64_t hop) {
  const Value windowed = buffer(x, n, hop) * hann(n);
  const auto [re_half, im_half] = fft_lower_bins(windowed);
  return {re_half * re_half + im_half * im_half, sum(windowed * windowed)};
}

Value window_energy(const Value& x, int64_t n, int64_t hop) {
  const Value windowed = buffer(x, n, hop) * hann(n);
  return sum(windowed * windowed);
}

Value relative_floor(const Value& pair_energy, double eps, int64_t hop) {
  History energy_sum({}, {}, hop), windows_so_far({}, {}, hop);
  const Value total = energy_sum.read() + pair_energy, count = windows_so_far.read() + 1.0;
  energy_sum.write(total);
  windows_so_far.write(count);
  return eps * eps * total / count + kTinyPower;
}

Value full_window_gate(int64_t n, int64_t hop) { return make("hop_pulse", {}, {{hop, n - 1}, {}}); }

Value sum_of(const std::vector<Value>& terms) {
  if (terms.empty()) return 0.0;
  Value total = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) total = total + terms[i];
  return total;
}

int64_t default_hop(int64_t n, int64_t hop) { return hop != 0 ? hop : std::max<int64_t>(n / 4, 1); }

}  // namespace dgen::loss_parts

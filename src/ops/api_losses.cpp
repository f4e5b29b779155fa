// The spectral losses of SPEC §2.5 (mse and l1 are in api_math.cpp). Both are compositions
// of primitives (buffer, Hann, FFT, magnitude, log, sum, a hop-frame gate), so their
// gradients come from the primitives' adjoint rules (DESIGN §2 "Losses are graphs").
#include <string>

#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/node.hpp"

namespace dgen {
namespace {

// Added under the square root of a magnitude: sqrt has an infinite slope at 0, and a
// silent bin must not turn a gradient into NaN. Small enough to vanish beside any eps.
constexpr double kTinyPower = 1e-18;

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// |d|^p, without pow where p is 1 or 2 (pow's slope at 0 and its exponent gradient, which
// meets log 0, are avoidable there).
Value abs_pow(const Value& d, double p) {
  if (p == 1) return abs(d);
  if (p == 2) return d * d;
  return pow(abs(d), p);
}

// Magnitudes |X_k|, k = 0..N/2, of the Hann-windowed last n samples of x, at hop rate.
Value window_magnitudes(const Value& x, int64_t n, int64_t hop) {
  const auto [re, im] = fft(buffer(x, n, hop) * hann(n));
  const std::vector<std::pair<int64_t, int64_t>> bins{{0, n / 2 + 1}};
  const Value re_half = shrink(re, bins), im_half = shrink(im, bins);
  return sqrt(re_half * re_half + im_half * im_half + kTinyPower);
}

// The sum of some terms (0 when there are none), without a leading `0 +` node.
Value sum_of(const std::vector<Value>& terms) {
  if (terms.empty()) return 0.0;
  Value total = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) total = total + terms[i];
  return total;
}

// The number of hop frames t in [n - 1, frames) (the full windows of a run).
int64_t full_windows(int64_t n, int64_t hop, int64_t frames) {
  const int64_t first = (n - 1 + hop - 1) / hop * hop;
  return first >= frames ? 0 : (frames - 1 - first) / hop + 1;
}

}  // namespace

Value spectral_loss(const Value& a, const Value& b, SpectralOptions o) {
  if (!a.shape().empty() || !b.shape().empty())
    throw Error("spectral_loss: expects two scalar signals, got shapes " + to_string(a.shape()) +
                " and " + to_string(b.shape()));
  if (!is_power_of_two(o.n))
    throw Error("spectral_loss: size must be a power of two, got " + std::to_string(o.n));
  if (o.hop == 0) o.hop = o.n / 4 > 0 ? o.n / 4 : 1;
  if (o.hop < 1) throw Error("spectral_loss: hop must be >= 1, got " + std::to_string(o.hop));
  if (!(o.p > 0)) throw Error("spectral_loss: p must be > 0, got " + std::to_string(o.p));
  const Value ma = window_magnitudes(a, o.n, o.hop), mb = window_magnitudes(b, o.n, o.hop);
  std::vector<Value> terms;
  if (o.lin_weight != 0) terms.push_back(o.lin_weight * sum(abs_pow(ma - mb, o.p)));
  if (o.log_weight != 0)
    terms.push_back(o.log_weight * sum(abs_pow(log(ma + o.eps) - log(mb + o.eps), o.p)));
  // Carried on the hop frames whose window is full (t >= n - 1), 0 on every other frame.
  return sum_of(terms) * make("hop_pulse", {}, {{o.hop, o.n - 1}, {}});
}

Value mrstft_loss(const Value& a, const Value& b, MrstftOptions o) {
  if (o.sizes.empty()) throw Error("mrstft_loss: no sizes");
  if (o.hop_divisor < 1)
    throw Error("mrstft_loss: hop_divisor must be >= 1, got " + std::to_string(o.hop_divisor));
  if (o.frames < 0)
    throw Error("mrstft_loss: frames must be >= 0, got " + std::to_string(o.frames));
  std::vector<Value> terms;
  for (int64_t n : o.sizes) {
    const int64_t hop = n / o.hop_divisor > 0 ? n / o.hop_divisor : 1;
    const Value loss = spectral_loss(a, b, {n, hop, o.lin_weight, o.log_weight, o.p, o.eps});
    // A mean over bins and, when the run length is known, over windows; a run with no full
    // window has a zero loss and nothing to divide.
    const int64_t windows = o.frames > 0 ? full_windows(n, hop, o.frames) : 0;
    const double count = double(n / 2 + 1) * double(windows > 0 ? windows : 1);
    terms.push_back(loss * (1.0 / count));
  }
  return sum_of(terms);
}

}  // namespace dgen

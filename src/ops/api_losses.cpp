// The spectral losses of SPEC §2.5 (mse and l1 are in api_math.cpp). Both are compositions
// of primitives (buffer, Hann, FFT, magnitude, log, sum, a hop-frame gate), so their
// gradients come from the primitives' adjoint rules (DESIGN §2 "Losses are graphs").
#include <string>

#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ops/loss_parts.hpp"

namespace dgen {
namespace {

using namespace loss_parts;

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// |d|^p, without pow where p is 1 or 2 (pow's slope at 0 and its exponent gradient, which
// meets log 0, are avoidable there).
Value abs_pow(const Value& d, double p) {
  if (p == 1) return abs(d);
  if (p == 2) return d * d;
  return pow(abs(d), p);
}

}  // namespace

int64_t spectral_windows(int64_t n, int64_t hop, int64_t frames) {
  const int64_t first = (n - 1 + hop - 1) / hop * hop;
  return first >= frames ? 0 : (frames - 1 - first) / hop + 1;
}

Value spectral_loss(const Value& a, const Value& b, SpectralOptions o) {
  if (!a.shape().empty() || !b.shape().empty())
    throw Error("spectral_loss: expects two scalar signals, got shapes " + to_string(a.shape()) +
                " and " + to_string(b.shape()));
  if (!is_power_of_two(o.n))
    throw Error("spectral_loss: size must be a power of two, got " + std::to_string(o.n));
  if (o.hop == 0) o.hop = o.n / 4 > 0 ? o.n / 4 : 1;
  if (o.hop < 1) throw Error("spectral_loss: hop must be >= 1, got " + std::to_string(o.hop));
  if (!(o.p > 0)) throw Error("spectral_loss: p must be > 0, got " + std::to_string(o.p));
  // The magnitudes m = sqrt(|X|² + ε²), with ε = eps × the level of the two sounds: the
  // RMS magnitude of the bins of their windows so far (the mean energy of the pairs of
  // windows up to this one). A floor relative to the level keeps the log term the same for
  // a quiet pair of sounds as for a loud one and far above the float32 rounding of the
  // transforms (~1e-7 of a window's level), which near-empty bins would otherwise feed,
  // magnified by 1/m, into the gradient. The windows so far, not the current one, set it,
  // so a loud tail where the target has decayed still costs more the louder it is; a mean,
  // not a maximum, has no kink where the loudest window changes. The floor is smooth, so
  // there is no kink where a real bin (DC, Nyquist) or a quiet one passes through 0
  // (docs/TRAINING.md "Losses").
  const WindowSpectrum sa = window_spectrum(a, o.n, o.hop), sb = window_spectrum(b, o.n, o.hop);
  const Value floor_power = relative_floor(sa.energy + sb.energy, o.eps, o.hop);
  const Value ma = sqrt(sa.power + floor_power), mb = sqrt(sb.power + floor_power);
  std::vector<Value> terms;
  if (o.lin_weight != 0) terms.push_back(o.lin_weight * sum(abs_pow(ma - mb, o.p)));
  if (o.log_weight != 0) terms.push_back(o.log_weight * sum(abs_pow(log(ma) - log(mb), o.p)));
  // Carried on the hop frames whose window is full (t >= n - 1), 0 on every other frame.
  return sum_of(terms) * full_window_gate(o.n, o.hop);
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
    if (o.frames == 0) {
      terms.push_back(loss * (1.0 / double(n / 2 + 1)));
      continue;
    }
    // A mean over bins and windows; a size with no full window in the run is left out
    // (it would add 0 and cost its transforms every hop).
    const int64_t windows = spectral_windows(n, hop, o.frames);
    if (windows > 0) terms.push_back(loss * (1.0 / (double(n / 2 + 1) * double(windows))));
  }
  if (terms.empty())
    throw Error("mrstft_loss: no size has a full window in a run of " + std::to_string(o.frames) +
                " frames");
  return sum_of(terms);
}

}  // namespace dgen

// Pieces the windowed losses (src/ops/api_losses*.cpp) share: Hann-windowed spectra at hop
// rate, the level-relative magnitude floor (docs/TRAINING.md "The magnitude floor") and
// the gate that carries a window's term on the hop frames where it is full.
#pragma once
#include <cstdint>
#include <vector>

#include "dgen/value.hpp"

namespace dgen::loss_parts {

// Added to a squared magnitude's floor: a silent window must not turn a gradient into NaN.
inline constexpr double kTinyPower = 1e-18;

// The Hann-windowed last n samples of x at hop rate: their power spectrum |X_k|², k =
// 0..N/2, and their energy Σ (w_i x_i)², which by Parseval is the mean of |X_k|² over all
// N bins.
struct WindowSpectrum {
  Value power, energy;
};
WindowSpectrum window_spectrum(const Value& x, int64_t n, int64_t hop);

// The energy Σ (w_i x_i)² of the Hann-windowed last n samples of x at hop rate.
Value window_energy(const Value& x, int64_t n, int64_t hop);

// eps² × the mean of `pair_energy` (the energy of a pair of windows, one of each signal)
// over the hop frames so far, plus kTinyPower: the floor of a squared magnitude. The
// windows so far set it, not the current one, so a loud tail where the target has decayed
// still costs more the louder it is; a mean has no kink where the loudest window changes.
Value relative_floor(const Value& pair_energy, double eps, int64_t hop);

// 1 on the hop frames whose window of n frames is full (t >= n - 1), 0 on every other.
Value full_window_gate(int64_t n, int64_t hop);

// The sum of some terms (0 when there are none), without a leading `0 +` node.
Value sum_of(const std::vector<Value>& terms);

// The hop a loss takes for window size n when given `hop` (0 = n / 4, at least 1).
int64_t default_hop(int64_t n, int64_t hop);

}  // namespace dgen::loss_parts

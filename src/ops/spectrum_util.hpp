// Graph helpers the spectral API functions share: the parts of a stacked complex value,
// and the half spectrum of a real signal (bins 0 … N/2) and back.
#pragma once
#include <cstdint>
#include <utility>

#include "dgen/value.hpp"

namespace dgen {

// Part k, of shape [...], of a stacked complex value of shape [2, ...]; with `bins` >= 0,
// only the first `bins` elements of its last axis (one copy, not a copy of the whole part
// and then one of its bins).
Value complex_part(const Value& stacked, int64_t k, int64_t bins = -1);
// The bins 0 … N/2 of the FFT of x (last axis N): fft's parts, then lower_bins of each,
// without copying the upper half first (a spectral loss's magnitudes).
std::pair<Value, Value> fft_lower_bins(const Value& x);
// The bins 0 … half of the last axis (of size 2·half).
Value lower_bins(const Value& x, int64_t half);
// The full spectrum [2·half] of a real signal from its bins 0 … half ([half + 1]): X[n - k]
// is the conjugate of X[k].
std::pair<Value, Value> mirrored(const Value& re, const Value& im, int64_t half);

}  // namespace dgen

// Graph helpers the spectral API functions share: the parts of a stacked complex value,
// and the half spectrum of a real signal (bins 0 … N/2) and back.
#pragma once
#include <cstdint>
#include <utility>

#include "dgen/value.hpp"

namespace dgen {

// Part k, of shape [...], of a stacked complex value of shape [2, ...].
Value complex_part(const Value& stacked, int64_t k);
// The bins 0 … half of the last axis (of size 2·half).
Value lower_bins(const Value& x, int64_t half);
// The full spectrum [2·half] of a real signal from its bins 0 … half ([half + 1]): X[n - k]
// is the conjugate of X[k].
std::pair<Value, Value> mirrored(const Value& re, const Value& im, int64_t half);

}  // namespace dgen

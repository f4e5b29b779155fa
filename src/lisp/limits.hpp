// Bounds that keep any input, however hostile, from exhausting memory, the stack or time
// while a patch loads.
#pragma once
#include <cstdint>

namespace dgen::lisp {

inline constexpr int64_t kMaxElements = int64_t(1) << 24;       // one tensor or value
inline constexpr int64_t kMaxTotalElements = int64_t(1) << 26;  // all literal data of a patch
inline constexpr int kMaxEvalDepth = 600;                       // nested evaluations
inline constexpr int kMaxMacroDepth = 64;                       // nested macro expansions
inline constexpr int64_t kMaxExpansions = 20000;                // macro expansions per patch
inline constexpr int64_t kMaxDelay = int64_t(1) << 24;          // delay line length, frames

}  // namespace dgen::lisp

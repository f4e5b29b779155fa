// Sizes written as expressions of the sample rate (docs/LANGUAGE.md, "Sizes in seconds"):
// a size must be known when the patch loads, but `samplerate` is a value of the run, so a
// size such as (* 2 samplerate) is evaluated at the patch's maximum sample rate and the
// memory planned for that; the run itself uses its actual rate.
#pragma once
#include <optional>

#include "dgen/value.hpp"

namespace dgen::lisp {

// The value of `v` with `samplerate` at `sample_rate`, when v is a scalar computed from
// constants and the sample rate by ops without state (their reference evaluation, the
// op table's `eval`); nothing for anything else (a param, a signal, a tensor).
std::optional<double> fold_at_rate(const Value& v, double sample_rate);

}  // namespace dgen::lisp

// Sample-rate conversion of a target recording, for `--resample` (SPEC §7: a target at
// another rate is an error unless resampling is asked for).
#pragma once
#include <span>
#include <vector>

namespace dgen::train {

// Band-limited resampling with a Blackman-windowed sinc (32 zero crossings); when
// lowering the rate the cutoff moves down to the new Nyquist, so nothing aliases.
// The result has round(x.size() · to / from) samples.
std::vector<float> resample(std::span<const float> x, double from_rate, double to_rate);

}  // namespace dgen::train

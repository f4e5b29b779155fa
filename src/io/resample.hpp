// Band-limited resampling of a recording to another sample rate, for audio files read as
// tables (docs/LANGUAGE.md, "Audio files as tables").
#pragma once
#include <span>
#include <vector>

namespace dgen::io {

// `x` recorded at `from` Hz, resampled to `to` Hz: round(n · to / from) samples (at least
// one), interpolated with a Kaiser-windowed sinc whose cutoff is the lower of the two
// Nyquist frequencies (less a transition band), so downsampling does not alias. Samples
// before the start and after the end count as zeros. Throws dgen::Error for a rate that
// is not positive and finite.
std::vector<float> resample(std::span<const float> x, double from, double to);

}  // namespace dgen::io

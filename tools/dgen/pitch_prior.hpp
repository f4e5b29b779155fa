// dgen train's seed for a note's pitch (docs/TRAINING.md, "The pitch from the target"): a
// trained `@note pitch` param still at its patch default starts at the target's
// fundamental, and the search keeps it within a semitone of it. Harmonic spectra have a
// loss minimum at every simple ratio of the pitch; a search over the param's range (±2.5
// octaves at the default radius for 20 Hz - 2 kHz) can settle a fifth away.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "lisp/patch.hpp"
#include "train/search.hpp"

namespace dgen::cli {

// Sets each such param's value (its seed) and its search radius in `search.radii`.
// Returns one line per param seeded, for the terminal ("" when none).
std::string seed_pitch_from_target(lisp::Patch& patch, const std::vector<Param>& trained,
                                   std::span<const float> target, double sample_rate,
                                   train::SearchOptions& search);

}  // namespace dgen::cli

// The global search stage of `dgen train` (docs/TRAINING.md, "Global search"): before
// the gradient stage, many candidate params are rendered at once as the lanes of one
// forward program (compiled once), and the best few become the gradient stage's lanes.
//
// Why: a spectral loss has many local minima in a pitch (octaves, harmonics), a delay
// time or an FM ratio, and gradient descent from one seed settles in the nearest. A
// forward run of L lanes costs little more than one lane (the lanes are the innermost,
// vectorised loop), so thousands of candidates cost about as much as a few gradient
// steps.
//
// The search works in the params' unit coordinates (train/coords.hpp): a quasi-random
// Halton design over a box around the seed (±radius, kept inside [0, 1]), then CMA-ES started at
// the design's best point, then a scan along each param's line through the best point,
// then the `keep` best distinct points seen.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dgen/program.hpp"
#include "dgen/value.hpp"
#include "train/coords.hpp"

namespace dgen::train {

struct SearchOptions {
  // none | halton | cmaes | auto (cmaes when every trained param is scalar, else none)
  std::string method = "auto";
  int lanes = 64;      // candidates rendered per forward run
  int budget = 0;      // candidate evaluations at most (0: search_budget's default)
  double seconds = 0;  // wall-time limit of the search (0: none)
  // Half-width of the design box around the seed, in unit coordinates (0.5: every
  // param's whole range).
  double radius = 0.25;
  // Half-widths of single params' boxes, by name, in place of `radius` (a pitch seeded from
  // the target's fundamental is searched within a semitone of it).
  std::map<std::string, double> radii;
  int keep = 4;       // points handed to the gradient stage
  uint32_t seed = 1;  // of the design's random shift and CMA-ES's samples
};

// Checks a method name (none, halton, cmaes, auto); throws dgen::Error otherwise.
void check_search_method(const std::string& method);

// The evaluations a search of n = `params` params may spend: `requested` when > 0, else
// 4096 per param up to 16384, but never under 256 n² (docs/TRAINING.md, "Global search":
// a box of more dimensions needs more candidates to find the basin; the cap keeps a
// search of a few params short; beyond 8 params, CMA-ES's time to learn its covariance,
// whose entries grow as n², sets the floor).
int search_budget(int requested, size_t params);

// One scalar param the search moves.
struct SearchDimension {
  Param param;
  UnitCoordinate coordinate;
  float seed_value = 0;  // the param's value at the seed
  double seed = 0;       // its unit coordinate
};

// After every forward run: what has been evaluated so far.
struct SearchProgress {
  std::string stage;  // "design", "cmaes" or "lines"
  int evaluations = 0;
  double best_loss = 0;
  double step = 0;  // CMA-ES's current step size (the largest std in unit coordinates)
  int run = 0;      // which CMA-ES run: its start's rank among the design's best points
};

struct SearchResult {
  // The best distinct points (unit coordinates, one per dimension), best first, and
  // their losses; at most options.keep.
  std::vector<std::vector<double>> points;
  std::vector<double> losses;
  // CMA-ES's standard deviation along each dimension (unit coordinates) at the end of the
  // run that reached the lowest loss: the width of its basin along each param, which sets
  // the gradient stage's step per param (docs/TRAINING.md, "Step sizes per param"). Empty
  // when no CMA-ES run took a step (halton, or no budget left after the design).
  std::vector<double> spread;
  double seed_loss = 0;           // the seed (always the design's first candidate)
  std::vector<float> seed_audio;  // the output at the seed
  int evaluations = 0;
  double seconds = 0;
};

// Searches for low values of Σₜ loss[t] over `frames` frames. The params of `dims` must be
// scalar; they are left at their seed values afterwards.
SearchResult search(const Value& loss, const Value& output, int64_t frames,
                    const std::vector<InputChannel>& inputs,
                    const std::vector<SearchDimension>& dims, const SearchOptions& options,
                    const RenderOptions& render,
                    const std::function<void(const SearchProgress&)>& on_progress = {});

}  // namespace dgen::train

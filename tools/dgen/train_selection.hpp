// Which params `dgen train` fits and which it holds (docs/TRAINING.md, "Choosing what is
// trained"): --train NAME… (only these), --freeze NAME…, --set NAME=VALUE (held at that
// value), a patch's @trainable false, and params without both @min and @max.
#pragma once
#include <string>
#include <vector>

#include "lisp/patch.hpp"
#include "train/job.hpp"

namespace dgen::cli {

struct TrainSelection {
  std::vector<std::string> train, freeze;  // param names
  std::vector<std::string> sets;           // NAME=VALUE
};

struct SelectedParams {
  std::vector<Param> trained;
  std::vector<train::FrozenParam> frozen;
};

// Applies the --set values, then sorts the patch's params. Unknown names, a param both
// trained and frozen (or held), and a --train param without bounds are errors.
SelectedParams select_params(lisp::Patch& patch, const TrainSelection& selection);

}  // namespace dgen::cli

// Param values in the params file a training job writes — {"params": {"name": value,
// "table": [v0, ...]}}, the format `dgen render --params` and `--seed-params` read.
#pragma once
#include <vector>

#include "train/events.hpp"

namespace dgen::train {

// A scalar param's value as a number, a tensor param's values as a flat array.
Json param_values_json(const std::vector<float>& values, bool scalar);

}  // namespace dgen::train

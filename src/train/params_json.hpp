// The params file a training job writes: {"params": {"name": value, "table": [v0, ...]}},
// the format `dgen render --params` and `dgen train --seed-params` read.
#pragma once
#include <vector>

#include "dgen/param.hpp"
#include "train/events.hpp"

namespace dgen::train {

// A scalar param as a number, a tensor param as a flat array (row-major).
Json params_json(const std::vector<Param>& params);

// A param's values as JSON: a number for a scalar, else an array.
Json param_values_json(const std::vector<float>& values, bool scalar);

}  // namespace dgen::train

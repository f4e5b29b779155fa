// The params file: {"params": {"name": value, "table": [v0, v1, ...]}} — what
// `dgen train` writes to its job directory and what --params / --seed-params read.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dgen/param.hpp"
#include "train/events.hpp"

namespace dgen::train {

using ParamValues = std::map<std::string, std::vector<float>>;

// Parses the text of a params file; `source` names it in error messages.
ParamValues parse_params_json(const std::string& text, const std::string& source);
ParamValues read_params_json(const std::string& path);

// The file's JSON for these params (a scalar as a number, a tensor as an array).
Json params_json(const std::vector<Param>& params);

// Sets each named param; throws dgen::Error for a name no param has or a wrong count.
void apply_param_values(const ParamValues& values, const std::vector<Param>& params,
                        const std::string& source);

}  // namespace dgen::train

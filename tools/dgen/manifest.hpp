// The plugin manifest, NAME.json beside NAME.so (SPEC §8): what a host needs to drive
// the plugin without reading the patch.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "backend/c/plugin_source.hpp"
#include "lisp/patch.hpp"

namespace dgen::cli {

// The plugin's interface: settable params are the patch's scalar params in declaration
// order; host input k is the patch's k-th input port; their current values are the
// defaults.
PluginSpec plugin_spec(const lisp::Patch& patch, double sample_rate);

nlohmann::ordered_json plugin_manifest(const lisp::Patch& patch, const PluginSpec& spec,
                                       const std::string& name, int64_t state_size);

}  // namespace dgen::cli

// The plugin manifest, NAME.json beside NAME.so (SPEC §8): what a host needs to drive
// the plugin without reading the patch.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "lisp/plugin_spec.hpp"

namespace dgen::cli {

// The manifest of `patch` compiled as a plugin with `spec` (lisp::plugin_spec(patch, ...)).
nlohmann::ordered_json plugin_manifest(const lisp::Patch& patch, const PluginSpec& spec,
                                       const std::string& name, int64_t state_size);

}  // namespace dgen::cli

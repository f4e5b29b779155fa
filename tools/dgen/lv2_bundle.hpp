// The text files of an LV2 bundle (docs/PLUGIN.md, "LV2"): manifest.ttl, which hosts
// read first to find the plugin, NAME.ttl, which describes its ports (ranges, units and
// groups from the patch's params), and presets.ttl, the presets given to `dgen compile`.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "lisp/plugin_spec.hpp"

namespace dgen::cli {

struct Lv2Preset {
  std::string name;
  std::map<std::string, float> values;  // by param name; the others keep their defaults
};

struct Lv2Bundle {
  std::string manifest, plugin, presets;  // presets is "" when there are none
};

// The bundle of `patch` compiled with `spec` into NAME.so. Throws dgen::Error when a
// preset names a param that is not a control of the plugin.
Lv2Bundle lv2_bundle(const lisp::Patch& patch, const PluginSpec& spec, const std::string& name,
                     const std::vector<Lv2Preset>& presets);

}  // namespace dgen::cli

// The LV2 side of a plugin (docs/PLUGIN.md, "LV2"): the order of its ports, which the
// bundle's .ttl and the C code share, and the LV2 entry points in C, written after the
// ABI functions of plugin_source.hpp and built on them (lv2_descriptor, instantiate,
// connect_port, run with param smoothing, MIDI voices and the latency report).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "backend/c/plugin_source.hpp"

namespace dgen {

struct Lv2Port {
  enum class Kind { control, audio_in, audio_out, latency, midi };
  Kind kind;
  size_t index;        // the param (control), the input or output (audio); 0 otherwise
  std::string symbol;  // unique within the plugin, [A-Za-z_][A-Za-z0-9_]*
};

// Controls (the params without a note role, in order), audio inputs, audio outputs, the
// latency output when spec.latency > 0, the MIDI input when a param has a note role.
std::vector<Lv2Port> lv2_ports(const PluginSpec& spec, size_t num_outputs);

// The C of the LV2 entry points for `spec`, to follow plugin_source's ABI functions.
std::string lv2_functions(const PluginSpec& spec, size_t num_outputs, uint32_t lanes);

}  // namespace dgen

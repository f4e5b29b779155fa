#include "lisp/plugin_spec.hpp"

#include <algorithm>

namespace dgen::lisp {
namespace {

NoteRole note_role(const std::string& note) {
  if (note == "gate") return NoteRole::gate;
  if (note == "pitch") return NoteRole::pitch;
  if (note == "velocity") return NoteRole::velocity;
  return NoteRole::none;
}

}  // namespace

PluginSpec plugin_spec(const Patch& patch, double sample_rate) {
  PluginSpec spec;
  for (const ParamInfo& p : patch.params)
    if (p.param.data()->shape.empty()) {
      spec.params.push_back(p.param.data());
      spec.note_roles.push_back(note_role(p.note));
    }
  for (const PortInfo& port : patch.input_ports) spec.input_channels.push_back(port.channel);
  for (const PortInfo& port : patch.output_ports)
    spec.latency = std::max(spec.latency, port.latency);
  spec.sample_rate = sample_rate;
  return spec;
}

bool is_instrument(const Patch& patch) {
  return std::any_of(patch.params.begin(), patch.params.end(),
                     [](const ParamInfo& p) { return p.note == "gate"; });
}

}  // namespace dgen::lisp

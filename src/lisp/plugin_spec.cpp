#include "lisp/plugin_spec.hpp"

namespace dgen::lisp {

PluginSpec plugin_spec(const Patch& patch, double sample_rate) {
  PluginSpec spec;
  for (const ParamInfo& p : patch.params)
    if (p.param.data()->shape.empty()) spec.params.push_back(p.param.data());
  for (const PortInfo& port : patch.input_ports) spec.input_channels.push_back(port.channel);
  spec.sample_rate = sample_rate;
  return spec;
}

}  // namespace dgen::lisp

#include "manifest.hpp"

#include <cmath>
#include <stdexcept>

#include "dgen/plugin.h"

namespace dgen::cli {
namespace {

nlohmann::ordered_json optional_number(const std::optional<float>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json ports(const std::vector<lisp::PortInfo>& list) {
  auto out = nlohmann::ordered_json::array();
  for (size_t k = 0; k < list.size(); ++k)
    out.push_back({{"index", k},
                   {"channel", list[k].channel},
                   {"name", list[k].name},
                   {"modulator", list[k].modulator}});
  return out;
}

// 44100 rather than 44100.0 when the rate is a whole number.
nlohmann::ordered_json whole_or_real(double v) {
  return v == std::floor(v) ? nlohmann::ordered_json(int64_t(v)) : nlohmann::ordered_json(v);
}

}  // namespace

nlohmann::ordered_json plugin_manifest(const lisp::Patch& patch, const PluginSpec& spec,
                                       const std::string& name, int64_t state_size) {
  auto params = nlohmann::ordered_json::array();
  for (const lisp::ParamInfo& info : patch.params) {
    const ParamData& p = *info.param.data();
    if (!p.shape.empty()) continue;
    const size_t index = params.size();
    if (index >= spec.params.size() || spec.params[index].get() != &p)
      throw std::logic_error("plugin_manifest: params out of step with the plugin spec");
    params.push_back({{"index", index},
                      {"name", p.name},
                      {"default", p.value.at(0)},
                      {"min", optional_number(p.min)},
                      {"max", optional_number(p.max)},
                      {"unit", p.unit},
                      {"group", p.group},
                      {"env", p.env},
                      {"role", p.role},
                      {"mod", info.mod},
                      {"modulates", info.modulates},
                      {"note", info.note}});
  }
  // Tensor params cannot be set through the ABI; they keep the values compiled in.
  auto fixed = nlohmann::ordered_json::array();
  for (const lisp::ParamInfo& p : patch.params)
    if (!p.param.data()->shape.empty())
      fixed.push_back({{"name", p.param.name()}, {"shape", p.param.data()->shape}});
  return {{"name", name},
          {"abi_version", DGEN_PLUGIN_ABI_VERSION},
          {"patch", patch.file},
          {"sample_rate", whole_or_real(spec.sample_rate)},
          {"state_size", state_size},
          {"output_ceiling", spec.output_ceiling},
          {"latency", spec.latency},
          {"params", params},
          {"tensor_params", fixed},
          {"inputs", ports(patch.input_ports)},
          {"outputs", ports(patch.output_ports)}};
}

}  // namespace dgen::cli

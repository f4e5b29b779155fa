#include "train/params_json.hpp"

#include <fstream>
#include <sstream>

#include "dgen/error.hpp"

namespace dgen::train {

ParamValues parse_params_json(const std::string& text, const std::string& source) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw Error(source + ": not valid JSON");
  if (!doc.is_object() || !doc.contains("params") || !doc["params"].is_object())
    throw Error(source + ": expected an object {\"params\": {\"name\": value, ...}}");
  ParamValues values;
  for (const auto& [name, v] : doc["params"].items()) {
    std::vector<float>& out = values[name];
    if (v.is_number()) {
      out.push_back(v.get<float>());
    } else if (v.is_array() && !v.empty()) {
      for (const Json& e : v) {
        if (!e.is_number()) throw Error(source + ": param '" + name + "' has a non-number element");
        out.push_back(e.get<float>());
      }
    } else {
      throw Error(source + ": param '" + name + "' must be a number or a non-empty array of numbers");
    }
  }
  return values;
}

ParamValues read_params_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read the params file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_params_json(text.str(), path);
}

Json params_json(const std::vector<Param>& params) {
  Json values = Json::object();
  for (const Param& p : params) {
    if (p.data()->shape.empty() && p.values().size() == 1) {
      values[p.name()] = json_number(p.value());
    } else {
      Json list = Json::array();
      for (float v : p.values()) list.push_back(json_number(v));
      values[p.name()] = list;
    }
  }
  return Json{{"params", values}};
}

void apply_param_values(const ParamValues& values, const std::vector<Param>& params,
                        const std::string& source) {
  for (const auto& [name, v] : values) {
    const Param* match = nullptr;
    for (const Param& p : params)
      if (p.name() == name) match = &p;
    if (!match) throw Error(source + ": the patch has no param named '" + name + "'");
    Param target = *match;
    if (v.size() != size_t(numel(target.data()->shape)))
      throw Error(source + ": param '" + name + "' needs " +
                  std::to_string(numel(target.data()->shape)) + " values, got " +
                  std::to_string(v.size()));
    target.set(v);
  }
}

}  // namespace dgen::train

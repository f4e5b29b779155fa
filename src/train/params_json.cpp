#include "train/params_json.hpp"

namespace dgen::train {

Json param_values_json(const std::vector<float>& values, bool scalar) {
  if (scalar && values.size() == 1) return json_number(values[0]);
  Json list = Json::array();
  for (float v : values) list.push_back(json_number(v));
  return list;
}

Json params_json(const std::vector<Param>& params) {
  Json values = Json::object();
  for (const Param& p : params) values[p.name()] = param_values_json(p.values(), p.data()->shape.empty());
  return Json{{"params", values}};
}

}  // namespace dgen::train

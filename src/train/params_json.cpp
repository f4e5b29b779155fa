#include "train/params_json.hpp"

namespace dgen::train {

Json param_values_json(const std::vector<float>& values, bool scalar) {
  if (scalar && values.size() == 1) return json_number(values[0]);
  Json list = Json::array();
  for (float v : values) list.push_back(json_number(v));
  return list;
}

}  // namespace dgen::train

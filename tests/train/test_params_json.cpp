// Param values as a training job writes them into params.json and its events.
#include <gtest/gtest.h>

#include "train/params_json.hpp"

namespace dgen::train {
namespace {

TEST(ParamsJson, ScalarsAsNumbersTensorsAsArrays) {
  EXPECT_EQ(param_values_json({0.1f}, /*scalar=*/true).dump(), "0.1");
  EXPECT_EQ(param_values_json({1.0f, 0.5f, 0.25f}, false).dump(), "[1.0,0.5,0.25]");
  EXPECT_EQ(param_values_json({2.0f}, false).dump(), "[2.0]");  // a [1] tensor stays an array
}

TEST(ParamsJson, ValuesReadBackAsTheSameFloats) {
  const Json back = Json::parse(param_values_json({1.0f / 3.0f, 1e-7f}, false).dump());
  EXPECT_EQ(back[0].get<float>(), 1.0f / 3.0f);
  EXPECT_EQ(back[1].get<float>(), 1e-7f);
}

}  // namespace
}  // namespace dgen::train

// The params file a training job writes (read back by --params / --seed-params).
#include <gtest/gtest.h>

#include "train/params_json.hpp"

namespace dgen::train {
namespace {

TEST(ParamsJson, ScalarsAsNumbersTensorsAsArrays) {
  Param f("f", 0.1f), amps("amps", Shape{3}, {1.0f, 0.5f, 0.25f}), one("one", Shape{1}, {2.0f});
  EXPECT_EQ(params_json({f, amps, one}).dump(),
            R"({"params":{"f":0.1,"amps":[1.0,0.5,0.25],"one":[2.0]}})");
}

TEST(ParamsJson, ValuesReadBackAsTheSameFloats) {
  Param p("p", Shape{2}, {1.0f / 3.0f, 1e-7f});
  const Json back = Json::parse(params_json({p}).dump());
  EXPECT_EQ(back["params"]["p"][0].get<float>(), 1.0f / 3.0f);
  EXPECT_EQ(back["params"]["p"][1].get<float>(), 1e-7f);
}

}  // namespace
}  // namespace dgen::train

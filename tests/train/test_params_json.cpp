// The params file shared by `dgen train` (params.json) and --params / --seed-params.
#include <gtest/gtest.h>

#include "dgen/error.hpp"
#include "train/params_json.hpp"

namespace dgen::train {
namespace {

TEST(ParamsJson, ReadsScalarsAndArrays) {
  const ParamValues v = parse_params_json(R"({"params": {"f": 440, "amps": [0.5, 0.25]}})", "x.json");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.at("f"), std::vector<float>{440.0f});
  EXPECT_EQ(v.at("amps"), (std::vector<float>{0.5f, 0.25f}));
}

TEST(ParamsJson, WritesWhatItReads) {
  Param f("f", 0.1f), amps("amps", Shape{3}, {1.0f, 0.5f, 0.25f});
  const Json doc = params_json({f, amps});
  EXPECT_EQ(doc.dump(), R"({"params":{"f":0.1,"amps":[1.0,0.5,0.25]}})");
  const ParamValues back = parse_params_json(doc.dump(), "round trip");
  EXPECT_EQ(back.at("f"), std::vector<float>{0.1f});
  EXPECT_EQ(back.at("amps"), amps.values());
}

TEST(ParamsJson, ErrorsNameTheFileAndTheProblem) {
  auto message = [](const std::string& text) {
    try {
      parse_params_json(text, "seed.json");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("{"), "seed.json: not valid JSON");
  EXPECT_EQ(message(R"({"f": 1})"), "seed.json: expected an object {\"params\": {\"name\": value, ...}}");
  EXPECT_EQ(message(R"({"params": {"f": "loud"}})"),
            "seed.json: param 'f' must be a number or a non-empty array of numbers");
  EXPECT_EQ(message(R"({"params": {"f": [1, null]}})"), "seed.json: param 'f' has a non-number element");
}

TEST(ParamsJson, ApplySetsValuesByName) {
  Param f("f", 1.0f), g("g", Shape{2}, {0, 0});
  apply_param_values({{"g", {3, 4}}, {"f", {2}}}, {f, g}, "p.json");
  EXPECT_EQ(f.value(), 2.0f);
  EXPECT_EQ(g.values(), (std::vector<float>{3, 4}));
}

TEST(ParamsJson, ApplyRejectsUnknownNamesAndWrongCounts) {
  Param f("f", 1.0f);
  EXPECT_THROW(apply_param_values({{"nope", {1}}}, {f}, "p.json"), Error);
  EXPECT_THROW(apply_param_values({{"f", {1, 2}}}, {f}, "p.json"), Error);
  EXPECT_EQ(f.value(), 1.0f);
}

}  // namespace
}  // namespace dgen::train

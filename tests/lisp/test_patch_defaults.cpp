// Writing fitted values into a patch as its defaults (the fitted patch of `dgen train`,
// docs/TRAINING.md "The job directory"): the patch reads back with exactly those values,
// and everything else in its text stays.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include "dgen/patch.hpp"
#include "lisp/patch_defaults.hpp"

namespace dgen::lisp {
namespace {

constexpr const char* kPatch =
    "; a comment that stays\n"
    "(param freq @default 220 @min 20 @max 4000 @unit Hz)  ; tail comment\n"
    "(param gain @min 0 @max 1)\n"
    "(param attack @group amp @default (* 0.5 0.01) @min 0.001 @max 1)\n"
    "(def depth (param depth @default 0.25 @min 0 @max 1))\n"
    "(param \xc3\xa9t\xc3\xa9 @default 1 @min 0 @max 2)  ; not ASCII\n"
    "(out (* gain amp.attack depth \xc3\xa9t\xc3\xa9 (sin (* twopi (phasor freq)))) 1)\n";

float default_of(const Patch& p, const std::string& name) {
  for (const ParamInfo& info : p.params)
    if (info.param.name() == name) return info.param.value();
  ADD_FAILURE() << "no param " << name;
  return 0;
}

TEST(PatchDefaults, WritesValuesThatReadBackExactly) {
  const std::map<std::string, float> values{{"freq", 261.62558f},
                                            {"gain", 0.1f},
                                            {"amp.attack", 3e-3f},
                                            {"depth", 0.123456789f},
                                            {"\xc3\xa9t\xc3\xa9", 1.5f}};
  const DefaultsRewrite r = set_param_defaults(kPatch, "p.lisp", values);
  EXPECT_TRUE(r.not_found.empty());
  const Patch p = load_patch(r.text, "p.lisp");
  for (const auto& [name, value] : values) EXPECT_EQ(default_of(p, name), value) << name;
  EXPECT_NE(r.text.find("; a comment that stays\n"), std::string::npos);
  EXPECT_NE(r.text.find("(param freq @default 261.62558 @min 20 @max 4000 @unit Hz)  ; tail"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("(param gain @default 0.1 @min 0 @max 1)"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("@group amp @default 0.003 @min"), std::string::npos) << r.text;
}

TEST(PatchDefaults, LeavesOtherParamsAndNamesWhatItCannotFind) {
  const DefaultsRewrite r = set_param_defaults(kPatch, "p.lisp", {{"gain", 0.5f}, {"nope", 1}});
  EXPECT_EQ(r.not_found, std::vector<std::string>{"nope"});
  const Patch p = load_patch(r.text, "p.lisp");
  EXPECT_EQ(default_of(p, "freq"), 220.0f);
  EXPECT_EQ(default_of(p, "gain"), 0.5f);
}

TEST(PatchDefaults, NoValuesLeavesTheTextAlone) {
  EXPECT_EQ(set_param_defaults(kPatch, "p.lisp", {}).text, kPatch);
}

}  // namespace
}  // namespace dgen::lisp
#endif

// An instrument's declarations (docs/LANGUAGE.md "param", docs/PLUGIN.md "Instruments"):
// @note roles and @voices on params, @latency on outputs, and the errors they give.
#include "lisp/plugin_spec.hpp"
#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

constexpr const char* kVoice =
    "(param key @note gate @voices 6 @default 0 @min 0 @max 1)\n"
    "(param freq @note pitch @default 440 @min 20 @max 20000)\n"
    "(param vel @note velocity @default 1 @min 0 @max 1)\n"
    "(param level @default 0.2)\n"
    "(out (* level vel key (sin (* twopi (phasor freq)))) 1 @latency 12)\n";

TEST(LispNotes, NoteRolesVoicesAndLatencyReachThePluginSpec) {
  const Patch patch = test::load(kVoice);
  EXPECT_EQ(patch.voices, 6);
  ASSERT_EQ(patch.params.size(), 4u);
  EXPECT_EQ(patch.params[0].note, "gate");
  EXPECT_EQ(patch.params[1].note, "pitch");
  EXPECT_EQ(patch.params[2].note, "velocity");
  EXPECT_EQ(patch.params[3].note, "");
  EXPECT_EQ(patch.output_ports.at(0).latency, 12);
  EXPECT_TRUE(is_instrument(patch));
  const PluginSpec spec = plugin_spec(patch, 48000);
  EXPECT_EQ(spec.note_roles, (std::vector<NoteRole>{NoteRole::gate, NoteRole::pitch,
                                                    NoteRole::velocity, NoteRole::none}));
  EXPECT_EQ(spec.latency, 12);
  EXPECT_FALSE(is_instrument(test::load("(param freq @note pitch)\n(out freq 1)\n")));
}

TEST(LispNotes, BadDeclarationsSayWhatIsWrong) {
  EXPECT_NE(test::load_error("(param k @note key)\n(out k 1)\n")
                .find("@note must be gate, pitch or velocity, got key"),
            std::string::npos);
  EXPECT_NE(test::load_error("(param a @note gate)\n(param b @note gate)\n(out (+ a b) 1)\n")
                .find("'a' is already the note's gate"),
            std::string::npos);
  EXPECT_NE(test::load_error("(param a @voices 4)\n(out a 1)\n").find("@voices goes with @note"),
            std::string::npos);
  EXPECT_NE(test::load_error("(param a @note gate @voices 4)\n(param b @note pitch @voices 2)\n"
                             "(out (+ a b) 1)\n")
                .find("@voices 2 disagrees with an earlier @voices 4"),
            std::string::npos);
  for (const char* voices : {"0", "65", "2.5"})
    EXPECT_NE(
        test::load_error(std::string("(param a @note gate @voices ") + voices + ")\n(out a 1)\n")
            .find("voices"),
        std::string::npos)
        << voices;
  EXPECT_NE(test::load_error("(out 1 1 @latency -1)\n").find("latency"), std::string::npos);
}

}  // namespace
}  // namespace dgen::lisp

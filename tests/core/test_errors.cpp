// User errors (Halide-style bad_* tests): each one throws dgen::Error with a message that
// says what is wrong, and compiler trouble is reported or worked around.
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/scoped_env.hpp"
#include "support.hpp"

namespace dgen {
namespace {

// Runs `build`, which must throw dgen::Error whose message contains every `part`.
void expect_error(const std::function<void()>& build, const std::vector<std::string>& parts) {
  try {
    build();
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const std::string& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
    return;
  }
  ADD_FAILURE() << "no dgen::Error thrown";
}

Value signal() { return in(1); }

TEST(BadShapes, MismatchNamesBothShapes) {
  expect_error([] { ones({3}) + ones({4}); }, {"add", "[3]", "[4]"});
  expect_error([] { gswitch(ones({2, 3}), ones({3}), ones({2})); }, {"gswitch", "[2, 3]", "[2]"});
  expect_error([] { delay(ones({3}), ones({2})); }, {"delay", "[3]", "[2]"});
  expect_error([] { phasor(ones({5}), ones({4})); }, {"phasor", "[5]", "[4]"});
}

TEST(BadShapes, HistoryWriteOfTheWrongShape) {
  History h({2});
  expect_error([&] { h.write(ones({3})); }, {"[3]", "[2]"});
  History scalar;
  expect_error([&] { scalar.write(ones({2})); }, {"[2]", "[]"});
}

TEST(BadAttributes, NegativeOrZeroDelayMax) {
  expect_error([] { delay(signal(), 1.0, -1); }, {"delay", "max", "-1"});
  expect_error([] { delay(signal(), 1.0, 0); }, {"delay", "max"});
}

TEST(BadAttributes, BiquadModeOutOfRange) {
  expect_error([] { biquad(signal(), 1000.0, 0.7, 1.0, 9); }, {"biquad", "mode", "9"});
  expect_error([] { biquad(signal(), 1000.0, 0.7, 1.0, -1); }, {"biquad", "mode", "-1"});
}

TEST(BadAttributes, HopZero) {
  expect_error([] { History({4}, {}, 0); }, {"hop"});
  expect_error([] { hop_hold(signal(), 0); }, {"hop_hold", "hop", "0"});
  expect_error([] { buffer(signal(), 8, 0); }, {"buffer", "hop", "0"});
}

TEST(BadAttributes, HistoryInitialValuesOfTheWrongCount) {
  expect_error([] { History({3}, {1, 2}); }, {"2", "[3]"});
}

TEST(BadAttributes, OutChannelZero) {
  expect_error([] { out(signal(), 0); }, {"out", "channel"});
}

TEST(BadProgram, BadOptionsAndFrames) {
  RenderOptions lanes;
  lanes.lanes = 0;
  expect_error([&] { Program({signal()}, lanes); }, {"lanes"});
  RenderOptions rate;
  rate.sample_rate = 0;
  expect_error([&] { Program({signal()}, rate); }, {"sample rate"});
  expect_error([] { Program({}); }, {"output"});
  RenderOptions interp;
  interp.backend = Backend::Interp;
  Program p({signal()}, interp);
  expect_error([&] { p.run(-1); }, {"frames"});
  expect_error([&] { p.channel(7); }, {"channel 7"});
  expect_error([&] { p.set_param("nope", 1); }, {"nope"});
}

// A fake compiler that fails with a recognisable message, in its own directory.
class FakeCompiler : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(script_) << "#!/bin/sh\necho boom-from-cc\nexit 1\n";
    std::filesystem::permissions(script_, std::filesystem::perms::owner_all);
  }
  test::TempDir dir_;
  const std::filesystem::path script_ = dir_.path() / "cc";
  // An empty cache so nothing compiled before can hit.
  test::ScopedEnv cache_{"DGEN_CACHE_DIR", (dir_.path() / "cache").string()};
};

TEST_F(FakeCompiler, CompileFailureCarriesTheCompilerOutput) {
  test::ScopedEnv cc("DGEN_CC", script_.string());
  RenderOptions o;
  o.backend = Backend::C;
  expect_error([&] { Program({phasor(5678.0625)}, o); }, {"failed to compile", "boom-from-cc"});
}

TEST(NoCompiler, BackendCThrowsAClearError) {
  test::ScopedEnv cc("DGEN_CC", "/nonexistent/cc");
  RenderOptions o;
  o.backend = Backend::C;
  expect_error([&] { Program({phasor(100.0)}, o); },
               {"no C compiler", "/nonexistent/cc", "DGEN_CC"});
}

TEST(NoCompiler, AutoFallsBackToTheInterpreterWithAWarning) {
  test::ScopedEnv cc("DGEN_CC", "/nonexistent/cc");
  testing::internal::CaptureStderr();
  Program p({phasor(4410.0)});  // Backend::Auto
  const std::string warning = testing::internal::GetCapturedStderr();
  EXPECT_EQ(p.backend(), Backend::Interp);
  EXPECT_NE(warning.find("no C compiler"), std::string::npos) << warning;
  p.run(3);
  EXPECT_NEAR(p.output(0)[2], 0.2f, 1e-6);
}

TEST(NoCompiler, AutoUsesCWhenACompilerExists) {
  Program p({phasor(4410.0)});
  EXPECT_EQ(p.backend(), Backend::C);
  EXPECT_FALSE(p.source().empty());
}

}  // namespace
}  // namespace dgen

// User errors (Halide-style bad_* tests): each one throws dgen::Error with a message that
// says what is wrong, and compiler trouble is reported or worked around.
#include <cmath>
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

TEST(BadAttributes, ChannelsOutsideOneToMax) {
  expect_error([] { out(signal(), 0); }, {"out", "channel", "[1, 1024]", "0"});
  expect_error([] { out(signal(), -3); }, {"out", "channel", "-3"});
  expect_error([] { out(signal(), kMaxChannel + 1); }, {"out", "channel", "1025"});
  expect_error([] { in(0); }, {"in", "channel", "[1, 1024]", "0"});
  expect_error([] { in(-1); }, {"in", "channel", "-1"});
  expect_error([] { in(kMaxChannel + 1); }, {"in", "channel", "1025"});
}

// The rules the patch language's `param` applies hold for the C++ API too (the patch
// language checks through the same functions): tests/lisp/bad/param_*.lisp.
TEST(BadParams, DefaultOutsideTheRange) {
  expect_error([] { Param("gain", 2.0f, {.min = 0.0f, .max = 1.0f}); },
               {"param 'gain'", "default 2 is outside [0, 1]"});
  expect_error([] { Param("gain", -1.0f, {.min = 0.0f, .max = {}}); },
               {"default -1 is outside [0, inf]"});
  expect_error([] { Param("gain", 5.0f, {.min = {}, .max = 1.0f}); },
               {"default 5 is outside [-inf, 1]"});
  expect_error(
      [] {
        Param("t", {3}, {0.0f, 0.5f, 3.0f}, {.min = 0.0f, .max = 1.0f});
      },
      {"param 't'", "element 2 = 3 is outside [0, 1]"});
  EXPECT_NO_THROW(Param("gain", 1.0f, {.min = 0.0f, .max = 1.0f}));  // the ends are inside
}

TEST(BadParams, MaxBelowMin) {
  expect_error([] { Param("gain", 0.5f, {.min = 1.0f, .max = 0.0f}); },
               {"param 'gain'", "max 0 is below min 1"});
  expect_error(
      [] {
        Param("t", {2}, {0.0f, 0.0f}, {.min = 1.0f, .max = -1.0f});
      },
      {"max -1 is below min 1"});
  expect_error([] { Param("gain", 0.5f, {.min = NAN, .max = {}}); }, {"min is not a number"});
}

TEST(BadParams, NonFiniteValueOrNoName) {
  expect_error([] { Param("gain", NAN); }, {"param 'gain'", "default nan is not finite"});
  expect_error([] { Param("gain", INFINITY); }, {"default inf is not finite"});
  expect_error([] { Param("", 1.0f); }, {"a param needs a name"});
}

TEST(BadParams, SetValuesMustBeFinite) {
  Param p("gain", 0.5f, {.min = 0.0f, .max = 1.0f});
  expect_error([&] { p.set(NAN); }, {"param 'gain'", "value nan is not finite"});
  expect_error([&] { p.set_per_lane({0.5f, INFINITY}); }, {"element 1 = inf is not finite"});
  EXPECT_EQ(p.value(), 0.5f);  // a refused value changes nothing
  p.set(2.0f);                 // set values are used as given, not clamped (docs/CLI.md)
  EXPECT_EQ(p.value(), 2.0f);
}

TEST(BadShapes, DimensionsBelowOne) {
  expect_error([] { randn({-2}); }, {"randn", "shape dimensions must be >= 1", "[-2]"});
  expect_error([] { randn({3, 0}); }, {"randn", "[3, 0]"});
  expect_error([] { History({-2}); }, {"history", "shape dimensions must be >= 1", "[-2]"});
  expect_error([] { History({4, 0}, {}, 1, "h"); }, {"history 'h'", "[4, 0]"});
  expect_error([] { zeros({0}); }, {"full", "[0]"});
}

TEST(BadProgram, SampleRateMustBeFiniteAndPositive) {
  for (double rate : {0.0, -44100.0, double(NAN), double(INFINITY)}) {
    SCOPED_TRACE(rate);
    RenderOptions o;
    o.sample_rate = rate;
    o.backend = Backend::Interp;
    expect_error([&] { Program({signal()}, o); }, {"sample rate must be a finite number > 0"});
    Param p("p", 1.0f);
    expect_error([&] { GradProgram(Value(p) * Value(p), o); }, {"sample rate must be a finite"});
  }
}

TEST(BadProgram, TwoOutsOnOneChannel) {
  expect_error(
      [] {
        Program({out(signal(), 1), out(signal() * 2.0, 1)});
      },
      {"output channel 1 is written by two out()s"});
  const Value once = out(signal(), 2);
  EXPECT_NO_THROW(
      Program({once, once}, {.backend = Backend::Interp}));  // the same out() twice is one writer
}

TEST(BadProgram, TwoParamsOfOneName) {
  const Param a("gain", 0.5f), b("gain", 0.25f);
  expect_error([&] { Program({Value(a) + Value(b)}); }, {"two different params are named 'gain'"});
  EXPECT_NO_THROW(
      Program({Value(a) * Value(a)}, {.backend = Backend::Interp}));  // one param read twice
}

// A delay time known when the graph is built is checked against the line; a modulated
// one is clamped while running (tests/core/test_state_ops.cpp).
TEST(BadAttributes, ConstantDelayTimeOutsideTheLine) {
  expect_error([] { delay(signal(), -5.0); }, {"delay", "frames >= 0", "-5"});
  expect_error([] { delay(signal(), NAN); }, {"delay", "frames >= 0", "nan"});
  expect_error([] { delay(signal(), INFINITY); }, {"delay", "frames >= 0", "inf"});
  expect_error([] { delay(signal(), tensor({2}, {3.0f, -1.0f})); }, {"delay", "-1"});
  expect_error([] { delay(signal(), 10.0, 10); },
               {"delay", "10 frames is longer", "max 10", "up to 9"});
  EXPECT_NO_THROW(delay(signal(), 9.0, 10));
  EXPECT_NO_THROW(delay(signal(), 0.0, 1));
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

// The command line's failure contract (SPEC §7): exit 1 with one line on stderr for
// user errors (file:line:col for patch errors), 2 for usage errors, 0 for --help, and
// never a partial output file.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include <regex>

#include "cli/cli_support.hpp"

namespace dgen::test {
namespace {

constexpr const char* kSine = "(param freq @default 440)\n(out (sin (* twopi (phasor freq))) 1)\n";

void expect_user_error(const CommandResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "'" << needle << "' not in: " << r.err;
}

TEST(CliErrors, UsageErrorsExitTwo) {
  TempDir dir;
  dir.write("sine.lisp", kSine);
  for (const char* args :
       {"", "frobnicate", "render", "render sine.lisp --no-such-flag",
        "render sine.lisp --frames -1", "render sine.lisp --frames 10 --seconds 1",
        "render sine.lisp --format mp3", "render sine.lisp --backend gpu",
        "render sine.lisp --set freq", "render sine.lisp --set freq=abc",
        "render sine.lisp --in x=1", "render sine.lisp --sample-rate 0", "compile sine.lisp",
        "compile sine.lisp -o plug --name ../evil", "info"}) {
    SCOPED_TRACE(args);
    const CommandResult r = run_dgen(args, dir);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_EQ(dir.list(), std::vector<std::string>{"sine.lisp"});
}

TEST(CliErrors, HelpExitsZeroForEveryCommand) {
  TempDir dir;
  for (const char* command : {"", "render", "compile", "info", "grad", "train"}) {
    SCOPED_TRACE(command);
    const CommandResult r = run_dgen(std::string(command) + " --help", dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
}

TEST(CliErrors, UserErrorsExitOneWithOneLineAndNoOutput) {
  TempDir dir;
  dir.write("sine.lisp", kSine);
  dir.write("bad.json", "{\"params\": {\"freq\": ");
  dir.write("wrong.json", "{\"params\": {\"volume\": 1}}");
  expect_user_error(run_dgen("render missing.lisp -o out.wav", dir), "missing.lisp");
  expect_user_error(run_dgen("render sine.lisp -o out.wav --set volume=3", dir),
                    "no param named 'volume'");
  expect_user_error(run_dgen("render sine.lisp -o out.wav --params bad.json", dir), "bad.json");
  expect_user_error(run_dgen("render sine.lisp -o out.wav --params wrong.json", dir), "volume");
  expect_user_error(run_dgen("render sine.lisp -o out.wav --params none.json", dir), "none.json");
  expect_user_error(run_dgen("render sine.lisp -o out.wav --in 2=0.5", dir), "no input channel 2");
  expect_user_error(run_dgen("render sine.lisp -o out.wav --in 1=none.wav", dir), "none.wav");
  expect_user_error(run_dgen("render sine.lisp -o no/such/dir/out.wav --frames 10", dir),
                    "out.wav");
  // No output and no temporary file was left behind.
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"bad.json", "sine.lisp", "wrong.json"}));
}

TEST(CliErrors, TensorOutputsCannotBeAudio) {
  TempDir dir;
  dir.write("bank.lisp", "(out (phasor (tensor @shape [2] @data [100 200])) 1)\n");
  for (const char* args :
       {"render bank.lisp -o out.wav --frames 10", "compile bank.lisp -o plug"}) {
    SCOPED_TRACE(args);
    const CommandResult r = run_dgen(args, dir);
    expect_user_error(r, "scalar");
    EXPECT_EQ(r.err.rfind("bank.lisp:1:", 0), 0u) << r.err;
  }
  EXPECT_EQ(dir.list(), std::vector<std::string>{"bank.lisp"});
}

// Every patch in tests/lisp/bad fails with its positioned message and writes nothing.
TEST(CliErrors, BadPatchesGiveOnePositionedLine) {
  const std::filesystem::path bad_dir = std::filesystem::path(DGEN_SOURCE_DIR) / "tests/lisp/bad";
  if (list_dir(bad_dir.string()).empty()) GTEST_SKIP() << bad_dir << " has no patches yet";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(bad_dir)) {
    if (entry.path().extension() != ".lisp") continue;
    ++count;
    const std::string path = entry.path().string();
    SCOPED_TRACE(path);
    const std::string first_line = lines(read_file(path)).at(0);
    const std::string marker = "; expect:";
    ASSERT_EQ(first_line.rfind(marker, 0), 0u) << "first line should be '; expect: ...'";
    std::string expected = first_line.substr(marker.size());
    expected.erase(0, expected.find_first_not_of(' '));
    const std::string quoted = "'" + path + "'";
    for (const std::string& command :
         {"render " + quoted + " -o out.wav", "compile " + quoted + " -o out", "info " + quoted}) {
      TempDir dir;
      const CommandResult r = run_dgen(command, dir);
      EXPECT_EQ(r.exit_code, 1) << command << ": " << r.err;
      ASSERT_EQ(lines(r.err).size(), 1u) << command << ": " << r.err;
      EXPECT_TRUE(std::regex_search(r.err.substr(std::min(r.err.size(), path.size())),
                                    std::regex(R"(^:\d+:\d+: )")) &&
                  r.err.rfind(path, 0) == 0)
          << command << ": not positioned: " << r.err;
      EXPECT_NE(r.err.find(expected), std::string::npos)
          << command << ": '" << expected << "' not in " << r.err;
      EXPECT_TRUE(dir.list().empty()) << command << " left files behind";
    }
  }
  EXPECT_GT(count, 0);
}

TEST(CliErrors, PatchErrorsArePositioned) {
  TempDir dir;
  const std::pair<const char*, const char*> cases[] = {
      {"(param f @default 1)\n(out (sin (* f foo)) 1)\n", "bad.lisp:2:16: unknown symbol 'foo'"},
      {"(out (phasor) 1)\n", "bad.lisp:1:6: phasor expects"},
      {"(param f @default 1)\n", "bad.lisp:1:1: "},
      {"(out (+ 1 2\n", "bad.lisp:1:6: "},
  };
  for (const auto& [text, want] : cases) {
    SCOPED_TRACE(text);
    dir.write("bad.lisp", text);
    for (const char* command :
         {"render bad.lisp -o out.wav", "compile bad.lisp -o out", "info bad.lisp"}) {
      const CommandResult r = run_dgen(command, dir);
      expect_user_error(r, want);
      EXPECT_EQ(r.err.rfind(want, 0), 0u) << command << ": " << r.err;
    }
    EXPECT_EQ(dir.list(), std::vector<std::string>{"bad.lisp"});
  }
}

TEST(CliInfo, ListsParamsPortsAndSchedule) {
  TempDir dir;
  dir.write("fx.lisp",
            "(param gain @default 0.5 @min 0 @max 2 @unit lin @group amp)\n"
            "(out (* gain (in 1 @name voice)) 1 @name wet)\n"
            "(out (in 1) 2 @name dry)\n");
  const CommandResult r = run_dgen("info fx.lisp", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* needle :
       {"params (1):", "gain = 0.5", "unit=lin", "group=amp", "inputs (1):", "1 voice",
        "outputs (2):", "1 wet", "2 dry", "schedule:", "region 0: static", "arena"})
    EXPECT_NE(r.out.find(needle), std::string::npos) << "'" << needle << "' not in:\n" << r.out;
}

}  // namespace
}  // namespace dgen::test
#endif  // DGEN_HAVE_LISP

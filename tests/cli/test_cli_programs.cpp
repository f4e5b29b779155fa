// What the programs say about themselves: `dgen --version` (docs/CLI.md) and the
// example host's --help and usage errors (docs/PLUGIN.md).
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include "cli/cli_support.hpp"

namespace dgen::test {
namespace {

CommandResult run_host(const std::string& args, const TempDir& dir) {
  return run_program(DGEN_BINARY_DIR "/dgen_host", args, dir);
}

TEST(CliPrograms, VersionPrintsTheProjectVersion) {
  TempDir dir;
  const CommandResult r = run_dgen("--version", dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "dgen " DGEN_VERSION "\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliPrograms, HostHelpExitsZeroWithTheUsage) {
  TempDir dir;
  for (const char* flag : {"--help", "-h", "plug.so --help"}) {
    SCOPED_TRACE(flag);
    const CommandResult r = run_host(flag, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("usage: dgen_host PLUGIN.so OUT.wav", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("--block B"), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
  }
}

TEST(CliPrograms, HostUsageErrorsExitTwoAndNameTheProblem) {
  TempDir dir;
  const std::pair<const char*, const char*> cases[] = {
      {"", "expected PLUGIN.so and OUT.wav"},
      {"a.so b.wav c", "expected PLUGIN.so and OUT.wav"},
      {"a.so b.wav --frobnicate", "unknown option --frobnicate"},
      {"a.so b.wav --frames", "--frames needs a value"},
      {"a.so b.wav --frames ten", "--frames expects a number, got 'ten'"},
      {"a.so b.wav --block 0", "--block >= 1"},
      {"a.so b.wav --frames 1e30", "--frames expects a whole number of frames"},
      {"a.so b.wav --block 2.5", "--block expects a whole number of frames"},
      {"a.so b.wav --set gain", "--set expects NAME=VALUE"},
      {"a.so b.wav --set gain=loud", "--set gain expects a number, got 'loud'"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args);
    const CommandResult r = run_host(args, dir);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usage: dgen_host"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_EQ(dir.list(), std::vector<std::string>{});
}

}  // namespace
}  // namespace dgen::test
#endif  // DGEN_HAVE_LISP

// A compile that fails or is killed leaves nothing in the compile cache (docs/ARCHITECTURE.md):
// the compiler is replaced (DGEN_CC) by scripts that write part of an object and then
// die, or kill the dgen process that runs them.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_support.hpp"

namespace dgen::test {
namespace {

constexpr const char* kPatch = "(out (* 0.5 (sin (* twopi (phasor 440)))) 1)\n";

// A compiler script: answers --version, writes "partial" to its -o file, then runs `die`.
std::string write_compiler(const TempDir& dir, const std::string& name, const std::string& die) {
  const std::string path = dir.write(name,
                                     "#!/bin/sh\n"
                                     "[ \"$1\" = --version ] && { echo " +
                                         name +
                                         " 1.0; exit 0; }\n"
                                         "while [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; shift; "
                                         "done\n"
                                         "printf partial > \"$out\"\n" +
                                         die + "\n");
  chmod(path.c_str(), 0755);
  return path;
}

CommandResult render_with(const std::string& cc, const TempDir& dir) {
  return run_program("/usr/bin/env",
                     "DGEN_CC=" + cc +
                         " DGEN_CACHE_DIR=cache " DGEN_BINARY_DIR
                         "/dgen render patch.lisp --backend c --frames 64 -o out.wav",
                     dir);
}

TEST(CliCache, ACompilerThatDiesLeavesNothing) {
  TempDir dir;
  dir.write("patch.lisp", kPatch);
  for (const char* die : {"exit 1", "kill -9 $$"}) {
    const std::string cc = write_compiler(dir, "dies.sh", die);
    const CommandResult r = render_with(cc, dir);
    EXPECT_EQ(r.exit_code, 1) << die;
    EXPECT_NE(r.err.find("failed to compile"), std::string::npos) << r.err;
    EXPECT_EQ(list_dir(dir / "cache"), std::vector<std::string>{}) << die;
  }
}

// dgen itself is killed while its compiler runs: its files are left, and the next compile
// in the cache removes them, keeping only complete objects.
TEST(CliCache, AKilledProcessLeavesNoPartialEntryAfterTheNextCompile) {
  TempDir dir;
  dir.write("patch.lisp", kPatch);
  const std::string killer = write_compiler(dir, "kills-dgen.sh",
                                            "p=$PPID\n"
                                            "while [ \"$p\" -gt 1 ]; do\n"
                                            "  [ \"$(cat /proc/$p/comm)\" = dgen ] && kill -9 $p\n"
                                            "  p=$(cut -d' ' -f4 /proc/$p/stat)\n"
                                            "done\n"
                                            "exit 1");
  const CommandResult killed = render_with(killer, dir);
  ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
  EXPECT_FALSE(list_dir(dir / "cache").empty()) << "the killed compile left nothing to clean";
  for (const std::string& name : list_dir(dir / "cache"))
    EXPECT_EQ(name.rfind(".tmp-", 0), 0u) << name << " looks complete but is not";

  const CommandResult r = render_with("cc", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> left = list_dir(dir / "cache");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].substr(left[0].size() - 3), ".so");
  EXPECT_EQ(left[0].rfind("dgen-", 0), 0u);
}

// Only the files of processes of this host that no longer run are removed: a compile
// still running here, or on another host sharing the cache, keeps its files.
TEST(CliCache, KeepsTheFilesOfCompilesThatMayStillRun) {
  TempDir dir;
  dir.write("patch.lisp", kPatch);
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  const CommandResult exited = run_program("/bin/sh", "-c 'echo $$'", dir);  // a pid now free
  const std::string here = std::string(".tmp-") + host + "-";
  std::filesystem::create_directory(dir / "cache");
  const std::string dead = here + lines(exited.out).at(0) + "-0123456789abcdef.c";
  const std::string running = here + std::to_string(getpid()) + "-0123456789abcdef.c";
  const std::string elsewhere = ".tmp-another-host-1-0123456789abcdef.c";
  for (const std::string& name : {dead, running, elsewhere}) dir.write("cache/" + name, "int x;");

  const CommandResult r = render_with("cc", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> left = list_dir(dir / "cache");
  ASSERT_EQ(left.size(), 3u);
  const auto object = std::find_if(left.begin(), left.end(),
                                   [](const std::string& n) { return n.rfind("dgen-", 0) == 0; });
  ASSERT_NE(object, left.end());
  left.erase(object);
  EXPECT_EQ(left,
            (std::vector<std::string>{std::min(running, elsewhere), std::max(running, elsewhere)}));
}

}  // namespace
}  // namespace dgen::test
#endif

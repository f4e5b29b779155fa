// SPEC §4 compile cache: identical structure hits (in memory and on disk, also from a
// fresh process), params never recompile, constants and options are part of the key.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>

#include "backend/c/compiler.hpp"
#include "backend/c/render_c.hpp"
#include "core/scoped_env.hpp"
#include "schedule/schedule.hpp"
#include "support.hpp"

namespace dgen {
namespace {

// A small patch with state; `f` is baked in as a constant.
Value voice(double f, const Value& gain = 0.5) {
  History h;
  const Value tone = sin(2 * std::numbers::pi * phasor(f));
  return h.write(tanh(0.5 * h.read() + gain * tone));
}

std::vector<float> run_c(const Value& v, int64_t frames, int lanes = 1) {
  return test::render1(v, frames, Backend::C, lanes);
}

int objects_in(const std::filesystem::path& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".so";
  return n;
}

TEST(CompileCache, IdenticalStructureBuiltTwiceHits) {
  const auto first = run_c(voice(220), 300);
  const int before = compiler_invocations();
  const auto second = run_c(voice(220), 300);  // a separately constructed graph
  EXPECT_EQ(compiler_invocations(), before);
  EXPECT_EQ(first, second);
}

TEST(CompileCache, ChangingAParamNeverRecompilesAndChangesTheOutput) {
  Param gain("gain", 0.5f);
  RenderOptions o;
  o.backend = Backend::C;
  Program p({voice(330, gain)}, o);
  p.run(200);
  const std::vector<float> loud(p.output(0).begin(), p.output(0).end());
  const int before = compiler_invocations();
  gain.set(0.1f);
  p.run(200);
  const std::vector<float> quiet(p.output(0).begin(), p.output(0).end());
  EXPECT_NE(quiet, loud);
  // The interpreter, given the new value, renders the same.
  test::expect_close_to_reference(quiet, test::render1(voice(330, gain), 200, Backend::Interp));
  // Program::set_param writes the same Param.
  p.set_param("gain", 0.3f);
  EXPECT_FLOAT_EQ(gain.value(), 0.3f);
  p.run(10);
  // A new program of the same structure with another param value: still no compile.
  Param other("gain", 0.9f);
  run_c(voice(330, other), 10);
  EXPECT_EQ(compiler_invocations(), before);
}

// Each compiling test gets an empty disk cache, so only the memory cache could hit.
class FreshDiskCache : public ::testing::Test {
 protected:
  test::TempDir dir_;
  test::ScopedEnv env_{"DGEN_CACHE_DIR", dir_.path().string()};
};

TEST_F(FreshDiskCache, ADifferentConstantRecompiles) {
  static double unique = 1234.0625;  // never seen before in this process
  unique += 1;
  int before = compiler_invocations();
  run_c(voice(unique), 10);
  EXPECT_EQ(compiler_invocations(), before + 1);
  before = compiler_invocations();
  run_c(voice(unique + 0.5), 10);
  EXPECT_EQ(compiler_invocations(), before + 1);
  EXPECT_EQ(objects_in(dir_.path()), 2);
}

TEST_F(FreshDiskCache, LanesArePartOfTheKey) {
  static double unique = 2345.0625;
  unique += 1;
  const int before = compiler_invocations();
  run_c(voice(unique), 10, 1);
  run_c(voice(unique), 10, 2);
  EXPECT_EQ(compiler_invocations(), before + 2);
  run_c(voice(unique), 10, 1);
  EXPECT_EQ(compiler_invocations(), before + 2);
}

TEST_F(FreshDiskCache, DiskCacheIsReusedOnceTheMemoryCacheIsReleased) {
  static double unique = 3456.0625;
  unique += 1;
  const std::string source = render_c(make_schedule({out(voice(unique), 1).node()}, 1));
  CompileStats first;
  compile_c(source, &first);  // released at once: nothing stays in memory
  EXPECT_FALSE(first.memory_hit || first.disk_hit);
  EXPECT_EQ(objects_in(dir_.path()), 1);
  const int before = compiler_invocations();
  CompileStats second;
  const auto lib = compile_c(source, &second);
  EXPECT_TRUE(second.disk_hit);
  EXPECT_FALSE(second.memory_hit);
  CompileStats third;
  compile_c(source, &third);
  EXPECT_TRUE(third.memory_hit);
  EXPECT_EQ(compiler_invocations(), before);
}

// The child half of the next test: builds the patch the parent compiled, in a process
// that has compiled nothing. Skipped unless the parent runs it.
constexpr const char* kChildFlag = "DGEN_TEST_CACHE_CHILD";
constexpr double kChildConstant = 4567.0625;

TEST(CompileCacheChild, BuildsWithoutCompiling) {
  if (!std::getenv(kChildFlag))
    GTEST_SKIP() << "run by FreshDiskCache.AFreshProcessReusesTheDiskCache";
  ASSERT_EQ(compiler_invocations(), 0);
  run_c(voice(kChildConstant), 10);
  EXPECT_EQ(compiler_invocations(), 0);
}

TEST_F(FreshDiskCache, AFreshProcessReusesTheDiskCache) {
  const int before = compiler_invocations();
  run_c(voice(kChildConstant), 10);
  ASSERT_EQ(compiler_invocations(), before + 1);
  const std::filesystem::path log = dir_.path() / "child.log";
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string cmd = std::string(kChildFlag) + "=1 " + self +
                          " --gtest_filter=CompileCacheChild.* > " + log.string() + " 2>&1";
  const int status = std::system(cmd.c_str());
  std::ifstream child(log);
  EXPECT_EQ(status, 0) << "the child process:\n"
                       << std::string(std::istreambuf_iterator<char>(child), {});
}

}  // namespace
}  // namespace dgen

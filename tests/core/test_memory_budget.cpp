// Memory estimates checked before allocation (docs/CLI.md, "Memory limit"): a program, a
// run's output buffers and a gradient run's checkpoints are refused with the estimate and
// the limit when DGEN_MEMORY_LIMIT (here tiny) is smaller; nothing large is allocated.
#include <gtest/gtest.h>

#include <cmath>

#include "dgen/dgen.hpp"
#include "dgen/grad.hpp"
#include "ir/node.hpp"
#include "runtime/backends.hpp"
#include "runtime/memory_budget.hpp"
#include "schedule/schedule.hpp"
#include "scoped_env.hpp"

namespace dgen {
namespace {

// The message of the dgen::Error `f` throws ("" and a failure when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no dgen::Error";
  return "";
}

RenderOptions on(Backend backend, int lanes = 1) {
  RenderOptions o;
  o.backend = backend;
  o.lanes = lanes;
  return o;
}

TEST(MemoryBudget, LimitFromTheEnvironmentWithSuffixes) {
  {
    test::ScopedEnv env("DGEN_MEMORY_LIMIT", "2G");
    EXPECT_EQ(memory_limit().bytes, 2.0 * 1024 * 1024 * 1024);
    EXPECT_EQ(memory_limit().source, "set by DGEN_MEMORY_LIMIT");
  }
  {
    test::ScopedEnv env("DGEN_MEMORY_LIMIT", "1500");
    EXPECT_EQ(memory_limit().bytes, 1500);
  }
  for (const char* bad : {"lots", "-1G", "0", "12X", "1e999"}) {
    test::ScopedEnv env("DGEN_MEMORY_LIMIT", bad);
    EXPECT_EQ(error_of([] { memory_limit(); }),
              std::string("DGEN_MEMORY_LIMIT=") + bad +
                  ": not a size (bytes, or a number with K, M, G or T)");
  }
}

TEST(MemoryBudget, WithoutTheVariableTheLimitIsWhatTheMachineHas) {
  const MemoryLimit limit = memory_limit();
  EXPECT_GT(limit.bytes, 0);
  EXPECT_TRUE(std::isfinite(limit.bytes));  // /proc/meminfo is there on Linux
}

TEST(MemoryBudget, FormatsSizes) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(23.6 * 1024 * 1024 * 1024), "23.6 GiB");
}

// A delay line of 100000 floats in 64 lanes: at least 25.6 MB of state on C, twice
// that on the interpreter (doubles).
TEST(MemoryBudget, AProgramThatDoesNotFitIsRefusedBeforeItIsAllocated) {
  const Value y = delay(noise(1), 50.0, 100000);
  const Schedule s = make_schedule({out(y, 1).node()}, 64);
  EXPECT_GE(executor_bytes(s, Backend::C), 100000.0 * 64 * 4);
  EXPECT_GE(executor_bytes(s, Backend::Interp), 100000.0 * 64 * 8);
  test::ScopedEnv env("DGEN_MEMORY_LIMIT", "1M");
  for (Backend b : {Backend::C, Backend::Interp}) {
    const std::string e = error_of([&] { Program p({y}, on(b, 64)); });
    EXPECT_EQ(e, "the program needs about " + format_bytes(executor_bytes(s, b)) + " (state " +
                     format_bytes(executor_bytes(s, b)) +
                     "), more than the memory limit of 1 MiB (set by DGEN_MEMORY_LIMIT; set "
                     "DGEN_MEMORY_LIMIT to change it)");
  }
}

TEST(MemoryBudget, ARunWhoseOutputDoesNotFitIsRefused) {
  Program p({phasor(100.0)}, on(Backend::C));
  test::ScopedEnv env("DGEN_MEMORY_LIMIT", "1M");
  p.run(1000);                                                 // 4 KB of output
  const std::string e = error_of([&] { p.run(10'000'000); });  // 40 MB
  EXPECT_EQ(e.rfind("rendering 10000000 frames needs about 38.1 MiB (state ", 0), 0u) << e;
  EXPECT_NE(e.find("output buffers 38.1 MiB), more than the memory limit of 1 MiB"),
            std::string::npos)
      << e;
  p.run(1000);  // still usable
  EXPECT_EQ(p.output(0).size(), 1000u);
}

// Lanes multiply the forward and backward arenas and the checkpoints: refused with the
// parts named, and no run happens.
TEST(MemoryBudget, AGradientRunThatDoesNotFitIsRefused) {
  Param cutoff("cutoff", 1000.0f, {.min = 20.0f, .max = 20000.0f});
  const Value y = biquad(noise(1), cutoff, 0.7, 1.0, 0);
  const Value loss = y * y;
  GradProgram g(loss, on(Backend::C, 4096));
  test::ScopedEnv env("DGEN_MEMORY_LIMIT", "4M");
  const std::string e = error_of([&] { g.run(44100); });
  EXPECT_EQ(e.rfind("a gradient run of 44100 frames in 4096 lanes needs about ", 0), 0u) << e;
  for (const char* part : {"(forward program ", "backward program ", " checkpoints ",
                           "more than the memory limit of 4 MiB"})
    EXPECT_NE(e.find(part), std::string::npos) << part << " in " << e;
}

}  // namespace
}  // namespace dgen

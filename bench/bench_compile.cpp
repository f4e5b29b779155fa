// Compile latency of the subtractive voice (iv): the time to construct a Program from a
// graph that is already built, in three situations:
//   cold        a fresh, empty DGEN_CACHE_DIR and no live Program of the same code: the
//               C compiler runs;
//   disk_hit    the object is in the disk cache but not loaded: dlopen;
//   memory_hit  another live Program already loaded the same code.
// Each case checks, through the compiler's invocation counter, that it measured what it
// claims. Destroying the Program is not timed.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "backend/c/compiler.hpp"
#include "dgen/dgen.hpp"
#include "harness.hpp"
#include "patches.hpp"

namespace dgen_bench {
namespace {

// Points DGEN_CACHE_DIR at a new empty directory for the object's lifetime.
class ScratchCacheDir {
 public:
  ScratchCacheDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dgen-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    dir_ = pattern;
    if (const char* old = std::getenv("DGEN_CACHE_DIR")) old_ = old;
    setenv("DGEN_CACHE_DIR", dir_.c_str(), 1);
  }
  ~ScratchCacheDir() {
    if (old_)
      setenv("DGEN_CACHE_DIR", old_->c_str(), 1);
    else
      unsetenv("DGEN_CACHE_DIR");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchCacheDir(const ScratchCacheDir&) = delete;
  ScratchCacheDir& operator=(const ScratchCacheDir&) = delete;

 private:
  std::string dir_;
  std::optional<std::string> old_;
};

dgen::RenderOptions voice_options() {
  dgen::RenderOptions o;
  o.sample_rate = kSampleRate;
  o.backend = dgen::Backend::C;
  o.preserve_state = true;
  return o;
}

// Times Program construction. A cold case gets a fresh cache directory for every
// construction and must run the C compiler once; a cached case must not run it.
void time_construction(benchmark::State& state, const dgen::Value& voice, bool cold) {
  for (auto _ : state) {
    state.PauseTiming();
    std::optional<ScratchCacheDir> fresh_cache;
    if (cold) fresh_cache.emplace();
    const int before = dgen::compiler_invocations();
    state.ResumeTiming();
    std::optional<dgen::Program> program(std::in_place, std::vector<dgen::Value>{voice},
                                         voice_options());
    state.PauseTiming();
    if (dgen::compiler_invocations() - before != (cold ? 1 : 0))
      state.SkipWithError("the compile cache did not behave as this case assumes");
    program.reset();
    fresh_cache.reset();
    state.ResumeTiming();
  }
}

void compile_cold(benchmark::State& state) {
  time_construction(state, subtractive_voice_patch(), true);
}

void compile_disk_hit(benchmark::State& state) {
  const dgen::Value voice = subtractive_voice_patch();
  ScratchCacheDir cache;
  dgen::Program(std::vector<dgen::Value>{voice}, voice_options());  // fills the disk cache
  time_construction(state, voice, false);
}

void compile_memory_hit(benchmark::State& state) {
  const dgen::Value voice = subtractive_voice_patch();
  ScratchCacheDir cache;
  const dgen::Program loaded(std::vector<dgen::Value>{voice}, voice_options());
  time_construction(state, voice, false);
}

void latency(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->UseRealTime()->Apply(best_of_repetitions);
}

BENCHMARK(compile_cold)->Apply(latency)->Iterations(1);
BENCHMARK(compile_disk_hit)->Apply(latency);
BENCHMARK(compile_memory_hit)->Apply(latency);

}  // namespace
}  // namespace dgen_bench

// Plugin against API (issue: "a compiled plugin's process cost is within 10% of the same
// program run through the C++ API, for block sizes 64 and up"), one core.
//
// The program is examples/subtractive.lisp at 48 kHz; its built-in sequencer plays (demo=1)
// and its gate input is silent. api/B renders it with dgen::Program (C backend, preserved
// state), B frames per run. plugin/B builds it the way `dgen compile` does
// (tools/dgen/cmd_compile.cpp), loads the library with dlopen and calls dgen_process_v1 on
// one instance, B frames per call. items_per_second is frames per second of CPU time, so
// the plugin/API ratio at each B is the figure the issue bounds.
#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/c/plugin_source.hpp"
#include "dgen/dgen.hpp"
#include "dgen/plugin.h"
#include "harness.hpp"
#include "ir/node.hpp"
#include "lisp/patch.hpp"
#include "lisp/plugin_spec.hpp"
#include "schedule/schedule.hpp"

namespace {
using namespace dgen;
namespace fs = std::filesystem;

constexpr double kRate = 48000;

const lisp::Patch& patch() {
  static const lisp::Patch p = lisp::load_patch_file(DGEN_SOURCE_DIR "/examples/subtractive.lisp");
  return p;
}

// The patch as a loaded plugin library, built in a temporary directory.
class Plugin {
 public:
  Plugin() {
    std::string dir = (fs::temp_directory_path() / "dgen-bench-plugin-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("cannot create " + dir);
    dir_ = dir;
    const PluginSpec spec = lisp::plugin_spec(patch(), kRate);
    std::vector<NodeRef> outputs;
    for (const Value& v : patch().outputs) outputs.push_back(v.node());
    const std::string c = dir_ / "plugin.c", so = dir_ / "plugin.so";
    std::ofstream(c) << plugin_source(make_schedule(outputs, 1), spec);
    compile_plugin(c, so);
    handle_ = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) throw std::runtime_error(dlerror());
    state_size_ = sym<dgen_state_size_v1_fn>("dgen_state_size_v1");
    state_init_ = sym<dgen_state_init_v1_fn>("dgen_state_init_v1");
    process = sym<dgen_process_v1_fn>("dgen_process_v1");
  }
  ~Plugin() {
    if (handle_) dlclose(handle_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // A fresh instance: a state block aligned to 64 bytes (include/dgen/plugin.h).
  std::unique_ptr<void, decltype(&std::free)> new_state() const {
    std::unique_ptr<void, decltype(&std::free)> state(
        std::aligned_alloc(64, (state_size_() + 63) / 64 * 64), &std::free);
    state_init_(state.get());
    return state;
  }

  dgen_process_v1_fn process = nullptr;

 private:
  template <typename Fn>
  Fn sym(const char* name) {
    void* f = dlsym(handle_, name);
    if (!f) throw std::runtime_error(std::string("plugin has no ") + name);
    return reinterpret_cast<Fn>(f);
  }
  fs::path dir_;
  void* handle_ = nullptr;
  dgen_state_size_v1_fn state_size_ = nullptr;
  dgen_state_init_v1_fn state_init_ = nullptr;
};

// range(0): frames per block.
void api(benchmark::State& state) {
  const int64_t block = state.range(0);
  const std::vector<float> gate(size_t(block), 0.0f);
  std::vector<InputChannel> inputs;
  for (const lisp::PortInfo& port : patch().input_ports) inputs.push_back({port.channel, gate});
  RenderOptions o;
  o.sample_rate = kRate;
  o.backend = Backend::C;
  o.preserve_state = true;
  Program program(patch().outputs, o);
  program.run(block, inputs);  // compiles
  for (auto _ : state) {
    program.run(block, inputs);
    benchmark::DoNotOptimize(program.output(0).data());
  }
  state.SetItemsProcessed(state.iterations() * block);
}

void plugin(benchmark::State& state) {
  static const Plugin lib;
  const uint32_t block = uint32_t(state.range(0));
  const std::vector<float> gate(block, 0.0f);
  std::vector<std::vector<float>> out(patch().outputs.size(), std::vector<float>(block));
  const std::vector<const float*> inputs(patch().input_ports.size(), gate.data());
  std::vector<float*> outputs;
  for (auto& o : out) outputs.push_back(o.data());
  const dgen_context_v1 ctx{DGEN_PLUGIN_ABI_VERSION, sizeof ctx, float(kRate)};
  const auto instance = lib.new_state();
  lib.process(inputs.data(), outputs.data(), block, instance.get(), &ctx);
  for (auto _ : state) {
    lib.process(inputs.data(), outputs.data(), block, instance.get(), &ctx);
    benchmark::DoNotOptimize(out[0].data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * block);
}

}  // namespace

BENCHMARK(api)->RangeMultiplier(4)->Range(64, 4096)->Apply(dgen_bench::best_of_repetitions);
BENCHMARK(plugin)->RangeMultiplier(4)->Range(64, 4096)->Apply(dgen_bench::best_of_repetitions);

BENCHMARK_MAIN();

// Every plugin path against dgen::Program (docs/PERFORMANCE.md, "Plugins against the
// C++ API"), one core, 48 kHz, block by block:
//
//   api/W/B     dgen::Program (C backend, preserved state), B frames per run
//   plugin/W/B  the C ABI plugin built as `dgen compile` builds it, dgen_process_v1
//   lv2/W/B     the LV2 plugin of `dgen compile --format lv2`, driven through its
//               LV2_Descriptor as a host does (connect_port, run)
//
// for W = biquad (bench/patches.cpp (i): a constant-coefficient biquad over an input) and
// voice (examples/subtractive.lisp, its sequencer playing). instrument8/64 is the
// subtractive LV2 instrument with all 8 voices held by MIDI notes (demo off), 64-frame
// blocks: its CPU share of one core at 48 kHz is 48000 / items_per_second.
// items_per_second is frames per second of CPU time, best of five repetitions.
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <lv2/core/lv2.h>
#include <lv2/urid/urid.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/c/lv2_source.hpp"
#include "backend/c/plugin_source.hpp"
#include "dgen/dgen.hpp"
#include "dgen/plugin.h"
#include "harness.hpp"
#include "ir/node.hpp"
#include "lisp/patch.hpp"
#include "lisp/plugin_spec.hpp"
#include "patches.hpp"
#include "plugin/lv2_midi.hpp"
#include "schedule/schedule.hpp"

namespace {
using namespace dgen;
namespace fs = std::filesystem;

constexpr double kRate = 48000;

// A workload: its outputs, params and input ports, as a patch has them.
struct Workload {
  std::vector<Value> outputs;
  PluginSpec spec;
  int inputs = 0;
  int voices = 1;  // > 1: an instrument (LV2 only)
};

const lisp::Patch& subtractive() {
  static const lisp::Patch p = lisp::load_patch_file(DGEN_SOURCE_DIR "/examples/subtractive.lisp");
  return p;
}

Workload workload(const std::string& name) {
  if (name == "biquad") return {{dgen_bench::biquad_patch()}, {{}, {1}, kRate}, 1};
  const lisp::Patch& p = subtractive();
  Workload w{p.outputs, lisp::plugin_spec(p, kRate), int(p.input_ports.size())};
  if (name == "instrument8") w.voices = 8;
  return w;
}

// The workload compiled as a plugin library (C ABI, or LV2 when `lv2`) in a temporary
// directory, loaded with dlopen.
class Library {
 public:
  Library(const Workload& w, bool lv2) {
    std::string dir = (fs::temp_directory_path() / "dgen-bench-plugin-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("cannot create " + dir);
    dir_ = dir;
    PluginSpec spec = w.spec;
    if (lv2) spec.format = PluginFormat::lv2, spec.lv2_uri = "urn:dgen:bench";
    std::vector<NodeRef> outputs;
    for (const Value& v : w.outputs) outputs.push_back(v.node());
    const std::string c = dir_ / "plugin.c", so = dir_ / "plugin.so";
    std::ofstream(c) << plugin_source(make_schedule(outputs, w.voices), spec);
    compile_plugin(c, so);
    handle_ = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) throw std::runtime_error(dlerror());
  }
  ~Library() {
    if (handle_) dlclose(handle_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  template <typename Fn>
  Fn sym(const char* name) const {
    void* f = dlsym(handle_, name);
    if (!f) throw std::runtime_error(std::string("plugin has no ") + name);
    return reinterpret_cast<Fn>(f);
  }

 private:
  fs::path dir_;
  void* handle_ = nullptr;
};

// The biquad's input: the harness's block, repeated; the voice's gate input: silence.
std::vector<float> input_of(const std::string& name, uint32_t block) {
  const std::vector<float> one = dgen_bench::input_block();
  std::vector<float> x(block);
  if (name == "biquad")
    for (uint32_t i = 0; i < block; ++i) x[i] = one[i % one.size()];
  return x;
}

void api(benchmark::State& state, const std::string& name) {
  const Workload w = workload(name);
  const int64_t block = state.range(0);
  const std::vector<float> input = input_of(name, uint32_t(block));
  std::vector<InputChannel> inputs;
  for (int ch : w.spec.input_channels) inputs.push_back({ch, input});
  RenderOptions o;
  o.sample_rate = kRate;
  o.backend = Backend::C;
  o.preserve_state = true;
  Program program(w.outputs, o);
  program.run(block, inputs);  // compiles
  for (auto _ : state) {
    program.run(block, inputs);
    benchmark::DoNotOptimize(program.output(0).data());
  }
  state.SetItemsProcessed(state.iterations() * block);
}

void plugin(benchmark::State& state, const std::string& name) {
  const Workload w = workload(name);
  const Library lib(w, false);
  const auto state_size = lib.sym<dgen_state_size_v1_fn>("dgen_state_size_v1");
  const auto process = lib.sym<dgen_process_v1_fn>("dgen_process_v1");
  std::unique_ptr<void, decltype(&std::free)> instance(
      std::aligned_alloc(64, (state_size() + 63) / 64 * 64), &std::free);
  lib.sym<dgen_state_init_v1_fn>("dgen_state_init_v1")(instance.get());
  const uint32_t block = uint32_t(state.range(0));
  const std::vector<float> input = input_of(name, block);
  std::vector<std::vector<float>> out(w.outputs.size(), std::vector<float>(block));
  const std::vector<const float*> inputs(size_t(w.inputs), input.data());
  std::vector<float*> outputs;
  for (auto& o : out) outputs.push_back(o.data());
  const dgen_context_v1 ctx{DGEN_PLUGIN_ABI_VERSION, sizeof ctx, float(kRate)};
  process(inputs.data(), outputs.data(), block, instance.get(), &ctx);
  for (auto _ : state) {
    process(inputs.data(), outputs.data(), block, instance.get(), &ctx);
    benchmark::DoNotOptimize(out[0].data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * block);
}

// An LV2 host's side of one instance: the URID map and the port buffers.
struct Lv2Rig {
  std::map<std::string, uint32_t> ids;
  LV2_URID_Map map{&ids, [](LV2_URID_Map_Handle h, const char* uri) {
                     auto& m = *static_cast<std::map<std::string, uint32_t>*>(h);
                     return m.emplace(uri, uint32_t(m.size() + 1)).first->second;
                   }};
  std::vector<float> controls;
  std::vector<std::vector<float>> out;
  dgen::test::MidiSequence midi{map};
};

void lv2(benchmark::State& state, const std::string& name) {
  const Workload w = workload(name);
  const Library lib(w, true);
  const LV2_Descriptor* d = lib.sym<LV2_Descriptor_Function>("lv2_descriptor")(0);
  Lv2Rig rig;
  const LV2_Feature map_feature{LV2_URID__map, &rig.map};
  const LV2_Feature* features[] = {&map_feature, nullptr};
  LV2_Handle h = d->instantiate(d, kRate, "", features);
  const uint32_t block = uint32_t(state.range(0));
  const std::vector<float> input = input_of(name, block);
  const std::vector<Lv2Port> ports = lv2_ports(w.spec, w.outputs.size());
  rig.controls.resize(ports.size());
  rig.out.assign(w.outputs.size(), std::vector<float>(block));
  for (uint32_t i = 0; i < ports.size(); ++i) {
    const Lv2Port& p = ports[i];
    if (p.kind == Lv2Port::Kind::control) {
      rig.controls[i] = w.spec.params[p.index]->value.at(0);
      if (w.voices > 1 && p.symbol == "demo") rig.controls[i] = 0;  // the notes alone
      d->connect_port(h, i, &rig.controls[i]);
    } else if (p.kind == Lv2Port::Kind::audio_in) {
      d->connect_port(h, i, const_cast<float*>(input.data()));
    } else if (p.kind == Lv2Port::Kind::audio_out) {
      d->connect_port(h, i, rig.out[p.index].data());
    } else if (p.kind == Lv2Port::Kind::midi) {
      d->connect_port(h, i, rig.midi.data());
    } else {
      d->connect_port(h, i, &rig.controls[i]);
    }
  }
  d->activate(h);
  if (w.voices > 1)
    for (uint8_t key : {48, 52, 55, 59, 60, 64, 67, 71}) rig.midi.add(0, 0x90, key, 100);
  d->run(h, block);
  rig.midi.clear();
  for (auto _ : state) {
    d->run(h, block);
    benchmark::DoNotOptimize(rig.out[0].data());
    benchmark::ClobberMemory();
  }
  d->cleanup(h);
  state.SetItemsProcessed(state.iterations() * block);
}

}  // namespace

BENCHMARK_CAPTURE(api, biquad, "biquad")->Arg(64)->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(plugin, biquad, "biquad")->Arg(64)->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(lv2, biquad, "biquad")->Arg(64)->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(api, voice, "voice")
    ->RangeMultiplier(4)
    ->Range(64, 4096)
    ->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(plugin, voice, "voice")
    ->RangeMultiplier(4)
    ->Range(64, 4096)
    ->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(lv2, voice, "voice")->Arg(64)->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(lv2, instrument8, "instrument8")->Arg(64)->Apply(dgen_bench::best_of_repetitions);

BENCHMARK_MAIN();

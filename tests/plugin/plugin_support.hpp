// Builds a plugin (SPEC §8) from C++ values in a temporary directory, loads it with
// dlopen and renders it the way a host would: instance by instance, block by block.
#pragma once
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "backend/c/plugin_source.hpp"
#include "cli/temp_dir.hpp"
#include "dgen/dgen.hpp"
#include "dgen/plugin.h"
#include "ir/node.hpp"
#include "runtime/pipeline.hpp"

namespace dgen::test {

struct Plugin {
  TempDir dir;
  void* handle = nullptr;
  dgen_abi_version_fn abi_version = nullptr;
  dgen_state_size_v1_fn state_size = nullptr;
  dgen_state_init_v1_fn state_init = nullptr;
  dgen_set_param_v1_fn set_param = nullptr;
  dgen_process_v1_fn process = nullptr;
  std::string source;
  size_t outputs = 0;
  ~Plugin() {
    if (handle) dlclose(handle);
  }
};

// The plugin of `outs` (out() values), params in `spec` order, rendering `lanes` lanes,
// scheduled as `dgen compile` schedules it.
inline std::unique_ptr<Plugin> build_plugin(const std::vector<Value>& outs, const PluginSpec& spec,
                                            int lanes = 1) {
  std::vector<NodeRef> nodes;
  for (const Value& v : outs) nodes.push_back(v.node());
  pipeline::Trace trace{"plugin"};
  const Schedule schedule = pipeline::schedule(nodes, lanes, trace);
  auto p = std::make_unique<Plugin>();
  p->source = plugin_source(schedule, spec);
  p->outputs = outs.size();
  const std::string c = p->dir / "plugin.c", so = p->dir / "plugin.so";
  std::ofstream(c) << p->source;
  compile_plugin(c, so);
  p->handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!p->handle) throw std::runtime_error(dlerror());
  auto sym = [&](const char* name) {
    void* f = dlsym(p->handle, name);
    if (!f) throw std::runtime_error(std::string("plugin has no ") + name);
    return f;
  };
  p->abi_version = reinterpret_cast<dgen_abi_version_fn>(sym("dgen_abi_version"));
  p->state_size = reinterpret_cast<dgen_state_size_v1_fn>(sym("dgen_state_size_v1"));
  p->state_init = reinterpret_cast<dgen_state_init_v1_fn>(sym("dgen_state_init_v1"));
  p->set_param = reinterpret_cast<dgen_set_param_v1_fn>(sym("dgen_set_param_v1"));
  p->process = reinterpret_cast<dgen_process_v1_fn>(sym("dgen_process_v1"));
  return p;
}

// One instance of a plugin: its own state block.
class Instance {
 public:
  explicit Instance(const Plugin& plugin) : plugin_(plugin) {
    const size_t bytes = (plugin.state_size() + 63) / 64 * 64;
    state_.reset(static_cast<char*>(std::aligned_alloc(64, bytes)));
    plugin.state_init(state_.get());
  }
  void* state() { return state_.get(); }
  void set(uint32_t index, float value) { plugin_.set_param(state_.get(), index, value); }

  // Renders `frames` frames in blocks of `block`; returns one vector per output.
  std::vector<std::vector<float>> render(int64_t frames, int64_t block,
                                         const std::vector<std::vector<float>>& inputs = {},
                                         float sample_rate = 44100) {
    std::vector<std::vector<float>> out(plugin_.outputs, std::vector<float>(size_t(frames)));
    const dgen_context_v1 ctx{DGEN_PLUGIN_ABI_VERSION, sizeof(dgen_context_v1), sample_rate};
    for (int64_t at = 0; at < frames; at += block) {
      const uint32_t n = uint32_t(std::min(block, frames - at));
      std::vector<const float*> in;
      for (const auto& x : inputs) in.push_back(x.data() + at);
      std::vector<float*> o;
      for (auto& x : out) o.push_back(x.data() + at);
      plugin_.process(in.empty() ? nullptr : in.data(), o.data(), n, state_.get(), &ctx);
    }
    return out;
  }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  const Plugin& plugin_;
  std::unique_ptr<char, Free> state_;
};

}  // namespace dgen::test

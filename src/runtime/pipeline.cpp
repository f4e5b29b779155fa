#include "runtime/pipeline.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

#include "analysis/graph.hpp"
#include "analysis/stack_scalars.hpp"
#include "dgen/error.hpp"
#include "lir/printer.hpp"
#include "runtime/backends.hpp"
#include "schedule/memory_plan.hpp"

namespace dgen::pipeline {
namespace {

// The stages DGEN_DEBUG names. An unknown name is an error, not a silent no-op: a typo
// would otherwise look like a stage with nothing to show.
std::vector<Stage> debug_stages() {
  const char* env = std::getenv("DGEN_DEBUG");
  std::vector<Stage> stages;
  std::string_view list = env ? env : "";
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    if (name.empty()) continue;
    const auto stage = stage_named(name);
    if (!stage) {
      std::string known;
      for (const std::string& s : stage_names()) known += (known.empty() ? "" : ", ") + s;
      throw Error("DGEN_DEBUG: unknown stage '" + std::string(name) + "' (stages: " + known + ")");
    }
    stages.push_back(*stage);
  }
  return stages;
}

// Reports a stage's dump; `text` is only made when someone reads it.
template <class Text>
void after(Stage stage, Trace& trace, const Text& text) {
  const std::vector<Stage> debug = debug_stages();
  const bool printed = std::find(debug.begin(), debug.end(), stage) != debug.end();
  if (!printed && trace.capture != stage) return;
  const std::string dump = text();
  if (trace.capture == stage) trace.captured = dump;
  if (printed)
    std::cerr << "dgen: " << stage_names()[size_t(stage)] << " of the " << trace.program << ":\n"
              << dump << std::flush;
}

Graph analyse(const std::vector<NodeRef>& outputs, Trace& trace) {
  Graph g = build_graph(outputs);
  after(Stage::Graph, trace, [&] { return describe(g); });
  return g;
}

// DGEN_STACK=0 turns stacking off (to compare a program with and without it; its dump
// is then empty).
bool stacking_enabled() {
  const char* env = std::getenv("DGEN_STACK");
  return !env || std::string_view(env) != "0";
}

// Many isomorphic scalar subgraphs become tensor nodes (src/analysis/stack_scalars.hpp);
// the graph is analysed again when that changed it.
Graph stack(Graph g, Trace& trace) {
  if (!stacking_enabled()) return g;
  const Stacking s = stack_scalars(g);
  if (!s.changed()) {
    after(Stage::Stack, trace, [] { return std::string("nothing to stack\n"); });
    return g;
  }
  Graph stacked = build_graph(s.outputs);
  // Nodes that stacking kept or rebuilt keep their instance numbers (a noise node's seed),
  // so a program renders the same stacked or not.
  for (size_t i = 0; i < stacked.nodes.size(); ++i)
    if (auto it = g.index.find(stacked.nodes[i]); it != g.index.end())
      stacked.instance[i] = g.instance[size_t(it->second)];
  for (const auto& [old, replacement] : s.rebuilt) {
    auto it = stacked.index.find(replacement.get());
    if (it == stacked.index.end()) continue;
    stacked.instance[size_t(it->second)] = g.instance[size_t(g.index.at(old.get()))];
    stacked.index.emplace(old.get(), it->second);
  }
  stacked.rewritten_from = g.outputs;
  after(Stage::Stack, trace, [&] {
    return std::to_string(s.stacked) + " scalar nodes in " + std::to_string(s.groups) +
           " tensor nodes, " + std::to_string(s.reductions) + " add chains summed:\n" +
           describe(stacked);
  });
  return stacked;
}

}  // namespace

const std::vector<std::string>& stage_names() {
  static const std::vector<std::string> names = {"graph", "stack", "schedule", "lir", "source"};
  return names;
}

std::optional<Stage> stage_named(std::string_view name) {
  for (size_t k = 0; k < stage_names().size(); ++k)
    if (stage_names()[k] == name) return Stage(k);
  return std::nullopt;
}

namespace {

// Stages 3 to 5 without the dump.
Schedule planned(const std::vector<NodeRef>& outputs, int lanes, Trace& trace, int64_t block,
                 bool parallel_windows) {
  Schedule s = schedule_graph(stack(analyse(outputs, trace), trace), lanes, parallel_windows);
  s.block = block;
  plan_memory(s);
  return s;
}

}  // namespace

int64_t transient_span(const Schedule& s) {
  int64_t first = s.arena_bytes;
  for (const Buffer& b : s.buffers)
    if (!b.persistent) first = std::min(first, b.offset);
  return s.arena_bytes - first;
}

void widen_block(Schedule& s, int64_t least, int64_t budget) {
  // `s` is planned at the narrowest block: what a frame of crossing values takes there
  // (block buffers grow with the block) gives a first width. What counts is the plan's
  // span of them, not their sum: buffers of regions apart share bytes (the window chains
  // of a spectral loss sum to several times what they span). The span is not quite linear
  // in the block (first fit packs differently, windows reach back past a block's start):
  // halve while it does not fit, double while twice as wide does.
  s.block = wide_block_frames(least, double(transient_span(s)) / double(s.block), budget);
  plan_memory(s);
  while (transient_span(s) > budget && s.block > least) {
    s.block = std::max(least, s.block / 2);
    plan_memory(s);
  }
  while (s.block < kWidestBlock) {
    Schedule wider = s;
    wider.block *= 2;
    plan_memory(wider);
    if (transient_span(wider) > budget) break;
    s = std::move(wider);
  }
}

void align_block_to_hops(Schedule& s, int64_t budget) {
  // The longest hop of a hop value read by another region: its block buffer's row 0 is
  // copied from the held value at every block that does not start on one of its hops.
  int64_t hop = 0, held_bytes = 0;
  for (size_t i = 0; i < s.graph.nodes.size(); ++i)
    if (s.storage[i] == Storage::Block && s.graph.nodes[i]->rate.is_hop()) {
      hop = std::max<int64_t>(hop, s.graph.nodes[i]->rate.hop);
      held_bytes += s.graph.nodes[i]->size() * s.lanes * int64_t(sizeof(float));
    }
  if (held_bytes < kHeldRowBytes || hop <= s.block || hop % s.block != 0 || hop > kLongestHopBlock)
    return;
  Schedule aligned = s;
  aligned.block = hop;
  plan_memory(aligned);
  if (transient_span(aligned) <= budget) s = std::move(aligned);
}

Schedule schedule(const std::vector<NodeRef>& outputs, int lanes, Trace& trace, int64_t block,
                  bool parallel_windows) {
  Schedule s = planned(outputs, lanes, trace, block, parallel_windows);
  after(Stage::Schedule, trace, [&] { return s.describe(); });
  return s;
}

Schedule schedule(const std::vector<NodeRef>& outputs, int lanes, Trace& trace, Backend backend) {
  const BackendDef& def = backend_def(backend);
  Schedule s = planned(outputs, lanes, trace, def.block_frames, def.parallel_windows);
  if (def.block_bytes)
    widen_block(s, def.block_frames, def.block_bytes());
  else
    align_block_to_hops(s, kHopBlockBytes);
  after(Stage::Schedule, trace, [&] { return s.describe(); });
  return s;
}

std::string lower(const Schedule& s, Backend backend, Trace& trace) {
  const BackendDef& def = backend_def(backend);
  if (!def.render) return "";
  lir::Block lir;
  const std::string source = def.render(s, &lir);
  after(Stage::Lir, trace, [&] { return lir::print(lir); });
  after(Stage::Source, trace, [&] { return source; });
  return source;
}

std::unique_ptr<Executor> compile(const Schedule& s, Backend backend, const std::string& source,
                                  const Executor* arena_owner) {
  const BackendDef& def = backend_def(backend);
  if (!arena_owner) return def.executor(s, source);
  if (!def.executor_in)
    throw std::logic_error(std::string("pipeline: the ") + def.name + " backend shares no arenas");
  return def.executor_in(s, source, *arena_owner);
}

std::string dump(Stage stage, const std::vector<NodeRef>& outputs, int lanes, Backend backend) {
  Trace trace{"program", stage};
  const Schedule s = backend == Backend::Auto ? schedule(outputs, lanes, trace, int64_t(256))
                                              : schedule(outputs, lanes, trace, backend);
  if (stage == Stage::Graph || stage == Stage::Stack || stage == Stage::Schedule)
    return trace.captured;
  // Rendering needs no compiler or GPU (CUDA source is printed where there is none), only
  // a backend built with its renderer.
  const BackendDef& def = backend_def(backend);
  if (!def.render) check_available(backend);
  if (!def.render)
    throw Error("the " + std::string(def.name) + " backend generates no " +
                stage_names()[size_t(stage)] + " (choose another with --backend)");
  lower(s, backend, trace);
  return trace.captured;
}

}  // namespace dgen::pipeline

#include "runtime/arena.hpp"

#include <algorithm>
#include <cstring>

#include "dgen/error.hpp"
#include "lower/layout.hpp"

namespace dgen {

void check_param_sizes(const Graph& g, int64_t lanes) {
  for (const Node* node : g.nodes) {
    if (node->op->source != Source::Param) continue;
    const ParamData& p = *node->param;
    const int64_t m = node->size();
    if (int64_t(p.value.size()) != (p.per_lane ? m * lanes : m))
      throw Error("param '" + p.name + "' has " + std::to_string(p.value.size()) +
                  " values, expected " + std::to_string(p.per_lane ? m * lanes : m) +
                  (p.per_lane ? " (one per lane)" : ""));
  }
}

void write_params(const Schedule& s, char* arena) {
  const Graph& g = s.graph;
  const int64_t L = s.lanes;
  check_param_sizes(g, L);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& node = *g.nodes[i];
    if (node.op->source != Source::Param) continue;
    const ParamData& p = *node.param;
    const int64_t m = node.size();
    float* dst = reinterpret_cast<float*>(arena + s.buffers[s.slot[i]].offset);
    for (int64_t e = 0; e < m; ++e)
      for (int64_t l = 0; l < L; ++l)
        dst[layout::index(e, l, L)] = p.value[p.per_lane ? l * m + e : e];
  }
}

StateSpan state_span(const Schedule& s, int node, int var) {
  const StateVar& v = s.state_vars[size_t(node)][size_t(var)];
  return {s.buffers[size_t(s.state[size_t(node)][size_t(var)])].offset,
          v.count * (v.lanes_alike ? 1 : s.lanes), v.f64, v.lanes_alike};
}

std::vector<double> every_lane(const StateSpan& span, std::vector<double> stored, int64_t lanes) {
  if (!span.alike || lanes == 1) return stored;
  std::vector<double> every(stored.size() * size_t(lanes));
  for (size_t e = 0; e < stored.size(); ++e)
    std::fill_n(every.begin() + ptrdiff_t(e * size_t(lanes)), lanes, stored[e]);
  return every;
}

std::vector<double> stored_of(const StateSpan& span, std::span<const double> every, int64_t lanes) {
  std::vector<double> stored(size_t(span.count));
  for (size_t k = 0; k < stored.size(); ++k) stored[k] = every[span.alike ? k * size_t(lanes) : k];
  return stored;
}

std::vector<double> read_arena_state(const Schedule& s, const char* arena, int node, int var) {
  const StateSpan span = state_span(s, node, var);
  std::vector<double> stored(size_t(span.count));
  const char* at = arena + span.offset;
  for (size_t k = 0; k < stored.size(); ++k)
    stored[k] = span.f64 ? reinterpret_cast<const double*>(at)[k]
                         : double(reinterpret_cast<const float*>(at)[k]);
  return every_lane(span, std::move(stored), s.lanes);
}

void write_arena_state(const Schedule& s, char* arena, int node, int var,
                       std::span<const double> every) {
  const StateSpan span = state_span(s, node, var);
  const std::vector<double> stored = stored_of(span, every, s.lanes);
  char* at = arena + span.offset;
  for (size_t k = 0; k < stored.size(); ++k) {
    if (span.f64)
      reinterpret_cast<double*>(at)[k] = stored[k];
    else
      reinterpret_cast<float*>(at)[k] = float(stored[k]);
  }
}

std::vector<ArenaRange> fresh_ranges(const Schedule& s, bool persistent) {
  std::vector<bool> scratch(s.buffers.size(), false);
  for (size_t i = 0; i < s.state_vars.size(); ++i)
    for (size_t v = 0; v < s.state_vars[i].size(); ++v)
      if (s.state_vars[i][v].scratch) scratch[size_t(s.state[i][v])] = true;
  std::vector<ArenaRange> ranges;
  for (size_t b = 0; b < s.buffers.size(); ++b)
    if (!scratch[b] && s.buffers[b].persistent == persistent)
      ranges.push_back({s.buffers[b].offset, s.buffers[b].bytes});
  std::sort(ranges.begin(), ranges.end(),
            [](const ArenaRange& a, const ArenaRange& b) { return a.offset < b.offset; });
  // Transient buffers share offsets; buffers are aligned, so adjacent ones leave gaps of
  // padding that may as well be zeroed with them.
  constexpr int64_t kPadding = 64;
  std::vector<ArenaRange> merged;
  for (const ArenaRange& r : ranges) {
    if (!merged.empty() && r.offset <= merged.back().offset + merged.back().bytes + kPadding)
      merged.back().bytes =
          std::max(merged.back().bytes, r.offset + r.bytes - merged.back().offset);
    else
      merged.push_back(r);
  }
  return merged;
}

void init_arena(const Schedule& s, char* arena, TransientFill transient) {
  const Graph& g = s.graph;
  const int64_t L = s.lanes;
  for (const ArenaRange& r : fresh_ranges(s, true))
    std::memset(arena + r.offset, 0, size_t(r.bytes));
  // All bits set: a NaN as a float and as a double.
  if (transient != TransientFill::Leave)
    for (const ArenaRange& r : fresh_ranges(s, false))
      std::memset(arena + r.offset, transient == TransientFill::Poison ? 0xff : 0, size_t(r.bytes));
  std::vector<bool> done(s.buffers.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& node = *g.nodes[i];
    if (node.op->source == Source::Literal) {
      float* dst = reinterpret_cast<float*>(arena + s.buffers[s.slot[i]].offset);
      for (int64_t e = 0; e < node.size(); ++e)
        for (int64_t l = 0; l < L; ++l) dst[layout::index(e, l, L)] = (*node.data)[e];
    }
    const auto& vars = s.state_vars[i];
    if (vars.empty() || done[s.state[i][0]] || !node.op->init_state) continue;
    for (int b : s.state[i]) done[b] = true;
    for (int64_t l = 0; l < L; ++l) {
      std::vector<std::vector<double>> fresh;
      std::vector<double*> ptrs;
      for (const StateVar& v : vars) fresh.emplace_back(v.count, 0.0);
      for (auto& f : fresh) ptrs.push_back(f.data());
      node.op->init_state(node, g.instance[i], ptrs);
      for (size_t v = 0; v < vars.size(); ++v) {
        char* base = arena + s.buffers[s.state[i][v]].offset;
        for (int64_t e = 0; e < vars[v].count; ++e) {
          if (vars[v].f64)
            reinterpret_cast<double*>(base)[layout::index(e, l, L)] = fresh[v][e];
          else
            reinterpret_cast<float*>(base)[layout::index(e, l, L)] = float(fresh[v][e]);
        }
      }
    }
  }
  write_params(s, arena);
}

}  // namespace dgen

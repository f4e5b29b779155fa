#include "runtime/arena.hpp"

#include <cstring>

#include "dgen/error.hpp"

namespace dgen {

void check_param_sizes(const Graph& g, int64_t lanes) {
  for (const Node* node : g.nodes) {
    if (node->op->source != Source::Param) continue;
    const ParamData& p = *node->param;
    const int64_t m = node->size();
    if (int64_t(p.value.size()) != (p.per_lane ? m * lanes : m))
      throw Error("param '" + p.name + "' has " + std::to_string(p.value.size()) + " values, expected " +
                  std::to_string(p.per_lane ? m * lanes : m) + (p.per_lane ? " (one per lane)" : ""));
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
      for (int64_t l = 0; l < L; ++l) dst[e * L + l] = p.value[p.per_lane ? l * m + e : e];
  }
}

void init_arena(const Schedule& s, char* arena) {
  const Graph& g = s.graph;
  const int64_t L = s.lanes;
  std::memset(arena, 0, size_t(s.arena_bytes));
  std::vector<bool> done(s.buffers.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& node = *g.nodes[i];
    if (node.op->source == Source::Literal) {
      float* dst = reinterpret_cast<float*>(arena + s.buffers[s.slot[i]].offset);
      for (int64_t e = 0; e < node.size(); ++e)
        for (int64_t l = 0; l < L; ++l) dst[e * L + l] = (*node.data)[e];
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
          if (vars[v].f64) reinterpret_cast<double*>(base)[e * L + l] = fresh[v][e];
          else reinterpret_cast<float*>(base)[e * L + l] = float(fresh[v][e]);
        }
      }
    }
  }
  write_params(s, arena);
}

}  // namespace dgen

#include "analysis/graph.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <queue>

#include "ir/op_table.hpp"

namespace dgen {
namespace {

// Nodes reachable from the outputs, in DFS post-order (inputs first). A cell read pulls
// in the cell's writes, which are otherwise unreachable.
std::vector<const Node*> reachable(const std::vector<NodeRef>& outputs) {
  std::vector<const Node*> order;
  std::unordered_map<const Node*, int> state;  // 1 = visiting/visited
  std::vector<std::pair<const Node*, size_t>> stack;
  auto push = [&](const Node* n) {
    if (!state[n]) {
      state[n] = 1;
      stack.push_back({n, 0});
    }
  };
  std::vector<const Node*> pending;
  for (const NodeRef& o : outputs) pending.push_back(o.get());
  while (!pending.empty()) {
    const Node* root = pending.back();
    pending.pop_back();
    push(root);
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (next < n->inputs.size()) {
        push(n->inputs[next++].get());
        continue;
      }
      const Node* done = n;
      stack.pop_back();
      order.push_back(done);
      if (done->cell)
        for (const NodeRef& w : done->cell->writes)
          if (!state[w.get()]) pending.push_back(w.get());
    }
  }
  return order;
}

void tarjan(Graph& g, const std::vector<std::vector<int>>& edges) {
  const int n = static_cast<int>(g.nodes.size());
  std::vector<int> index(n, -1), low(n, 0), stack;
  std::vector<bool> on(n, false);
  int counter = 0, comps = 0;
  g.scc.assign(n, -1);
  // Iterative Tarjan (graphs can be deep).
  for (int s = 0; s < n; ++s) {
    if (index[s] >= 0) continue;
    std::vector<std::pair<int, size_t>> call{{s, 0}};
    index[s] = low[s] = counter++;
    stack.push_back(s);
    on[s] = true;
    while (!call.empty()) {
      auto& [v, i] = call.back();
      if (i < edges[v].size()) {
        const int w = edges[v][i++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on[w] = true;
          call.push_back({w, 0});
        } else if (on[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        int w;
        do {
          w = stack.back();
          stack.pop_back();
          on[w] = false;
          g.scc[w] = comps;
        } while (w != v);
        ++comps;
      }
      const int done = v;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
    }
  }
}

}  // namespace

Graph build_graph(const std::vector<NodeRef>& outputs) {
  Graph g;
  g.outputs = outputs;
  const std::vector<const Node*> found = reachable(outputs);
  std::unordered_map<const Node*, int> dfs_pos;
  for (size_t i = 0; i < found.size(); ++i) dfs_pos[found[i]] = int(i);

  // Cells, with their reads and writes.
  std::unordered_map<const Cell*, int> cell_ids;
  std::vector<std::vector<const Node*>> cell_reads, cell_writes;
  std::vector<const Cell*> cells;
  for (const Node* n : found) {
    const Cell* c = n->state_cell();
    if (!c) continue;
    auto [it, fresh] = cell_ids.emplace(c, int(cells.size()));
    if (fresh) {
      cells.push_back(c);
      cell_reads.emplace_back();
      cell_writes.emplace_back();
    }
    (n->cell ? cell_reads : cell_writes)[it->second].push_back(n);
  }
  // Ordering edges: every read before every write, and the writes in the order they were
  // made (docs/LANGUAGE.md, poke: several pokes of one frame run in that order, and the
  // adjoint of a poke must know which of them a later read sees).
  std::unordered_map<const Node*, std::vector<const Node*>> after;
  for (size_t c = 0; c < cells.size(); ++c) {
    for (const Node* r : cell_reads[c])
      for (const Node* w : cell_writes[c]) after[r].push_back(w);
    const Node* previous = nullptr;
    for (const NodeRef& w : cells[c]->writes) {
      if (!dfs_pos.count(w.get())) continue;
      if (previous) after[previous].push_back(w.get());
      previous = w.get();
    }
  }

  // Kahn's algorithm, ties broken by DFS position so the order is deterministic.
  std::unordered_map<const Node*, int> pending;
  std::unordered_map<const Node*, std::vector<const Node*>> succ;
  for (const Node* n : found) {
    pending.emplace(n, 0);
    for (const NodeRef& in : n->inputs) succ[in.get()].push_back(n);
  }
  for (auto& [from, tos] : after)
    for (const Node* to : tos) succ[from].push_back(to);
  for (auto& [from, tos] : succ)
    for (const Node* to : tos) ++pending[to];
  auto later = [&](const Node* a, const Node* b) { return dfs_pos[a] > dfs_pos[b]; };
  std::priority_queue<const Node*, std::vector<const Node*>, decltype(later)> ready(later);
  for (const Node* n : found)
    if (pending[n] == 0) ready.push(n);
  while (!ready.empty()) {
    const Node* n = ready.top();
    ready.pop();
    g.index[n] = int(g.nodes.size());
    g.nodes.push_back(n);
    for (const Node* s : succ[n])
      if (--pending[s] == 0) ready.push(s);
  }

  const int n = int(g.nodes.size());
  g.inputs.resize(n);
  g.users.resize(n);
  g.instance.resize(n);
  g.cell_of.assign(n, -1);
  std::unordered_map<const OpDef*, int> op_count;
  for (int i = 0; i < n; ++i) {
    for (const NodeRef& in : g.nodes[i]->inputs) {
      const int j = g.index.at(in.get());
      g.inputs[i].push_back(j);
      g.users[j].push_back(i);
    }
    g.instance[i] = op_count[g.nodes[i]->op]++;
  }
  for (size_t c = 0; c < cells.size(); ++c) {
    Graph::CellNodes cn{cells[c], {}, {}};
    for (const Node* r : cell_reads[c]) cn.reads.push_back(g.index.at(r));
    for (const Node* w : cell_writes[c]) cn.writes.push_back(g.index.at(w));
    for (int r : cn.reads) g.cell_of[r] = int(c);
    for (int w : cn.writes) g.cell_of[w] = int(c);
    g.cells.push_back(std::move(cn));
  }
  for (const NodeRef& o : outputs) g.output_index.push_back(g.index.at(o.get()));

  // SCCs over value, ordering and state edges: a cell's reads and writes always share one.
  std::vector<std::vector<int>> edges(n);
  for (int i = 0; i < n; ++i)
    for (int j : g.inputs[i]) edges[j].push_back(i);
  for (const auto& cn : g.cells)
    for (int r : cn.reads)
      for (int w : cn.writes) {
        edges[r].push_back(w);
        edges[w].push_back(r);
      }
  tarjan(g, edges);
  return g;
}

uint64_t structural_hash(const Graph& g) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* p, size_t len) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < len; ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  auto mix_i = [&](int64_t v) { mix(&v, sizeof v); };
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = *g.nodes[i];
    mix(n.op->name.data(), n.op->name.size());
    mix_i(int64_t(n.attrs.ints.size()));
    for (int64_t v : n.attrs.ints) mix_i(v);
    mix_i(int64_t(n.attrs.reals.size()));
    for (double v : n.attrs.reals) mix(&v, sizeof v);
    mix_i(int64_t(n.shape.size()));
    for (int64_t d : n.shape) mix_i(d);
    mix_i(int64_t(n.rate.kind));
    mix_i(n.rate.hop);
    for (int j : g.inputs[i]) mix_i(j);
    mix_i(-1);
    mix_i(g.cell_of[i]);
    if (n.param) mix_i(n.param->per_lane);
  }
  for (const auto& cn : g.cells) {
    mix_i(cn.cell->hop);
    mix(cn.cell->init.data(), cn.cell->init.size() * sizeof(float));
  }
  for (int o : g.output_index) mix_i(o);
  return h;
}

}  // namespace dgen

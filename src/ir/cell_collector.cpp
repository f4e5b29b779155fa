#include "ir/cell_collector.hpp"

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "ir/node.hpp"

namespace dgen {
namespace {

constexpr size_t kCollectEvery = 256;  // new cells between collections

struct Registry {
  std::mutex mu;
  std::vector<std::weak_ptr<Cell>> cells;
  size_t since_collect = 0;
};

Registry& registry() {
  static Registry* r = [] {
    auto* reg = new Registry;  // never destroyed: used from the atexit handler
    std::atexit(collect_cycles);
    return reg;
  }();
  return *r;
}

void collect_locked(Registry& reg) {
  std::unordered_map<const Node*, NodeRef> nodes;             // one copy each
  std::unordered_map<const Cell*, std::shared_ptr<Cell>> cells;  // one copy each
  std::vector<NodeRef> stack;
  auto add_cell = [&](const std::shared_ptr<Cell>& c) {
    if (!cells.emplace(c.get(), c).second) return;
    for (const NodeRef& w : c->writes) stack.push_back(w);
  };
  std::vector<std::weak_ptr<Cell>> alive;
  for (auto& weak : reg.cells)
    if (auto c = weak.lock()) {
      add_cell(c);
      alive.push_back(weak);
    }
  reg.cells = std::move(alive);
  while (!stack.empty()) {
    NodeRef n = std::move(stack.back());
    stack.pop_back();
    if (!nodes.emplace(n.get(), n).second) continue;
    for (const NodeRef& in : n->inputs) stack.push_back(in);
    if (n->cell) add_cell(n->cell);
  }
  // References from inside the set (plus our own copy); more than that means a handle
  // outside holds the object.
  std::unordered_map<const void*, long> internal;
  for (auto& [p, n] : nodes) {
    ++internal[p];
    for (const NodeRef& in : n->inputs) ++internal[in.get()];
    if (n->cell) ++internal[n->cell.get()];
  }
  for (auto& [p, c] : cells) {
    ++internal[p];
    for (const NodeRef& w : c->writes) ++internal[w.get()];
  }
  std::unordered_map<const void*, bool> live;
  std::vector<const void*> work;
  for (auto& [p, n] : nodes)
    if (n.use_count() > internal[p]) work.push_back(p);
  for (auto& [p, c] : cells)
    if (c.use_count() > internal[p]) work.push_back(p);
  while (!work.empty()) {
    const void* p = work.back();
    work.pop_back();
    if (live[p]) continue;
    live[p] = true;
    if (auto it = nodes.find(static_cast<const Node*>(p)); it != nodes.end()) {
      for (const NodeRef& in : it->second->inputs) work.push_back(in.get());
      if (it->second->cell) work.push_back(it->second->cell.get());
    } else if (auto ct = cells.find(static_cast<const Cell*>(p)); ct != cells.end()) {
      for (const NodeRef& w : ct->second->writes) work.push_back(w.get());
    }
  }
  for (auto& [p, c] : cells)
    if (!live[p]) c->writes.clear();
}

}  // namespace

void register_cell(const std::shared_ptr<Cell>& cell) {
  Registry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mu);
  reg.cells.push_back(cell);
  if (++reg.since_collect >= kCollectEvery) {
    reg.since_collect = 0;
    collect_locked(reg);
  }
}

void collect_cycles() {
  Registry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mu);
  reg.since_collect = 0;
  collect_locked(reg);
}

}  // namespace dgen

#include "analysis/stack_scalars.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>

#include "dgen/ops.hpp"
#include "ir/cell_collector.hpp"
#include "ir/op_table.hpp"

namespace dgen {
namespace {

constexpr int64_t kOutside = -1;  // an operand's class when it is not stackable

// The nodes that may be stacked: scalars of a stackable op; history reads and writes
// only of a scalar cell with one read and one write (so each element has its own).
std::vector<bool> stackable_nodes(const Graph& g) {
  std::vector<bool> ok(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = *g.nodes[i];
    if (!n.op->stackable || !n.shape.empty()) continue;
    if (g.cell_of[i] >= 0) {
      const Graph::CellNodes& c = g.cells[size_t(g.cell_of[i])];
      if (c.reads.size() != 1 || c.writes.size() != 1 || !c.cell->shape.empty()) continue;
    }
    ok[i] = true;
  }
  return ok;
}

// Each node's depth in the frame's value DAG: the longest path to it from a node without
// operands (history reads are such sources: state edges cross frames).
std::vector<int> value_depths(const Graph& g) {
  std::vector<int> depth(g.nodes.size(), 0);
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int j : g.inputs[i]) depth[i] = std::max(depth[i], depth[size_t(j)] + 1);
  return depth;
}

// What a node is before its operands are looked at: op, attributes, rate, arity, and its
// depth, so that no node of a group depends on another within a frame (a path between two
// nodes makes the later one deeper), not even through operands outside the groups.
std::vector<int64_t> own_key(const Node& n, int depth) {
  std::vector<int64_t> key{int64_t(std::bit_cast<uintptr_t>(n.op)),
                           int64_t(n.rate.kind),
                           n.rate.hop,
                           int64_t(n.inputs.size()),
                           depth,
                           int64_t(n.attrs.ints.size())};
  key.insert(key.end(), n.attrs.ints.begin(), n.attrs.ints.end());
  for (double r : n.attrs.reals) key.push_back(std::bit_cast<int64_t>(r));
  return key;
}

// Structural classes of the stackable nodes (-1 for the others): the coarsest partition
// in which two nodes of a class have equal own keys (depth included), operands of equal classes
// (any non-stackable operand counts as one class) and, for history reads, cells whose writes store
// values of equal classes. Refined round by round from the own keys; each round is one pass in
// topological order, so chains cost one round and only feedback through cells needs more.
std::vector<int> structural_classes(const Graph& g, const std::vector<bool>& ok) {
  const size_t n = g.nodes.size();
  std::vector<int> stored(n, -1);  // a stackable read -> what its cell's write stores
  for (const Graph::CellNodes& c : g.cells)
    if (ok[size_t(c.reads[0])]) stored[size_t(c.reads[0])] = g.inputs[size_t(c.writes[0])][0];
  const std::vector<int> depth = value_depths(g);
  std::vector<std::vector<int64_t>> own(n);
  for (size_t i = 0; i < n; ++i)
    if (ok[i]) own[i] = own_key(*g.nodes[i], depth[i]);
  std::vector<int> cls(n, -1), prev(n, 0);
  size_t count = 0;
  for (;;) {
    std::map<std::vector<int64_t>, int> ids;
    for (size_t i = 0; i < n; ++i) {
      if (!ok[i]) continue;
      std::vector<int64_t> key = own[i];
      key.push_back(prev[i]);
      for (int j : g.inputs[i]) key.push_back(ok[size_t(j)] ? cls[size_t(j)] : kOutside);
      if (stored[i] >= 0) key.push_back(ok[size_t(stored[i])] ? prev[size_t(stored[i])] : kOutside);
      cls[i] = ids.emplace(std::move(key), int(ids.size())).first->second;
    }
    if (ids.size() == count) return cls;
    count = ids.size();
    prev = cls;
  }
}

struct Group {
  std::vector<int> members;  // node indices, in element order
  bool valid = true;
};

// Orders each group's elements like those of its first grouped operand, so that a
// chain of groups passes tensors on without gathers; groups of history writes keep the
// order of their reads. Groups are ordered shallowest first, after their operands.
void order_elements(const Graph& g, std::vector<Group>& groups, const std::vector<int>& group_of,
                    std::vector<int>& pos) {
  const std::vector<int> depth = value_depths(g);
  std::vector<size_t> by_depth;
  for (size_t k = 0; k < groups.size(); ++k)
    if (groups[k].valid) by_depth.push_back(k);
  std::stable_sort(by_depth.begin(), by_depth.end(), [&](size_t a, size_t b) {
    return depth[size_t(groups[a].members[0])] < depth[size_t(groups[b].members[0])];
  });
  pos.assign(g.nodes.size(), -1);
  for (size_t k : by_depth) {
    std::vector<int>& members = groups[k].members;
    const bool write = g.cell_of[size_t(members[0])] >= 0 && !g.nodes[size_t(members[0])]->cell;
    const std::vector<int>& operands = g.inputs[size_t(members[0])];
    for (size_t p = 0; !write && p < operands.size(); ++p) {
      if (group_of[size_t(operands[p])] < 0) continue;
      std::stable_sort(members.begin(), members.end(), [&](int a, int b) {
        return pos[size_t(g.inputs[size_t(a)][p])] < pos[size_t(g.inputs[size_t(b)][p])];
      });
      break;
    }
    for (size_t e = 0; e < members.size(); ++e) pos[size_t(members[e])] = int(e);
  }
}

// The groups of at least `min_group` nodes, members in topological order; a group of
// history writes takes the order of its cells' reads, and a group of reads whose writes
// do not form one group is dropped with them.
std::vector<Group> find_groups(const Graph& g, const std::vector<int>& cls, int64_t min_group,
                               std::vector<int>& group_of, std::vector<int>& pos) {
  std::unordered_map<int, std::vector<int>> by_class;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (cls[i] >= 0) by_class[cls[i]].push_back(int(i));
  std::vector<Group> groups;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (cls[i] < 0) continue;
    auto it = by_class.find(cls[i]);
    if (it == by_class.end()) continue;
    if (int64_t(it->second.size()) >= min_group) groups.push_back({std::move(it->second)});
    by_class.erase(it);
  }
  group_of.assign(g.nodes.size(), -1);
  for (size_t k = 0; k < groups.size(); ++k)
    for (int m : groups[k].members) group_of[size_t(m)] = int(k);
  // Pair each group of reads with the group of their writes, in the reads' order; a
  // group of writes without its reads' group is dropped.
  std::vector<bool> paired_writes(groups.size(), false);
  for (Group& r : groups) {
    if (!g.nodes[size_t(r.members[0])]->cell) continue;
    std::vector<int> writes;
    for (int m : r.members) writes.push_back(g.cells[size_t(g.cell_of[size_t(m)])].writes[0]);
    const int w = group_of[size_t(writes[0])];
    bool paired = w >= 0 && groups[size_t(w)].members.size() == writes.size();
    for (int x : writes) paired = paired && group_of[size_t(x)] == w;
    if (paired) {
      groups[size_t(w)].members = writes;
      paired_writes[size_t(w)] = true;
    } else {
      r.valid = false;
      if (w >= 0) groups[size_t(w)].valid = false;
    }
  }
  for (size_t k = 0; k < groups.size(); ++k) {
    Group& gr = groups[k];
    if (g.cell_of[size_t(gr.members[0])] >= 0 && !g.nodes[size_t(gr.members[0])]->cell &&
        !paired_writes[k])
      gr.valid = false;
    if (!gr.valid)
      for (int m : gr.members) group_of[size_t(m)] = -1;
  }
  order_elements(g, groups, group_of, pos);
  return groups;
}

// True when two nodes are one value: the same node, or nodes built alike without
// operands, state (a tape read has its own) or data from the runtime (each phasor's
// adjoint makes a samplerate() of its own).
bool same_value(const Node& a, const Node& b) {
  if (&a == &b) return true;
  return a.op == b.op && a.inputs.empty() && b.inputs.empty() && a.attrs == b.attrs &&
         !a.op->stateful && !a.op->state && a.op->source == Source::Computed && !a.cell &&
         !a.param && !a.data;
}

bool is_add(const Node& n) { return n.op->name == "add" && n.shape.empty(); }

// A term of a reduced add chain: elements of a group (summed) or one other node.
struct Term {
  int group = -1;
  std::vector<int> elements;  // positions in the group
  int node = -1;
};

class Rewriter {
 public:
  Rewriter(const Graph& g, int64_t min_group) : g_(g), min_group_(min_group) {
    const size_t n = g.nodes.size();
    groups_ = find_groups(g, structural_classes(g, stackable_nodes(g)), min_group, group_of_, pos_);
    refs_.resize(n);
    auto note = [&](const NodeRef& r) {
      auto it = g.index.find(r.get());
      if (it != g.index.end()) refs_[size_t(it->second)] = r;
    };
    for (const NodeRef& o : g.outputs) note(o);
    for (const Node* node : g.nodes) {
      for (const NodeRef& in : node->inputs) note(in);
      if (node->cell)
        for (const NodeRef& w : node->cell->writes) note(w);
    }
    done_.resize(n);
    element_.resize(n);
    stacked_.resize(groups_.size());
    cells_.resize(g.cells.size());
  }

  Stacking run() {
    Stacking out;
    for (const Group& gr : groups_)
      if (gr.valid) {
        ++out.groups;
        out.stacked += int64_t(gr.members.size());
      }
    if (out.groups == 0) {
      out.outputs = g_.outputs;
      return out;
    }
    find_reductions();
    out.reductions = int64_t(terms_.size());
    for (int i : depth_order()) {
      const size_t k = size_t(i);
      if (group_of_[k] >= 0) {
        build_group(group_of_[k]);
      } else if (!interior_[k]) {
        done_[k] = terms_.count(i) ? reduce(i) : rebuild(i);
        if (done_[k] != refs_[k]) out.rebuilt.emplace_back(refs_[k], done_[k]);
      }
    }
    for (int o : g_.output_index) {
      out.outputs.push_back(operand(o));  // an output that was stacked: its element
      if (group_of_[size_t(o)] >= 0) out.rebuilt.emplace_back(refs_[size_t(o)], out.outputs.back());
    }
    return out;
  }

 private:
  // Nodes by depth, then topological order: a node comes after its operands and after
  // the whole group of each grouped operand.
  std::vector<int> depth_order() const {
    const std::vector<int> depth = value_depths(g_);
    std::vector<int> order(g_.nodes.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return depth[size_t(a)] < depth[size_t(b)]; });
    return order;
  }

  bool chainable(size_t i) const { return is_add(*g_.nodes[i]) && group_of_[i] < 0; }

  // The operands of the add chain that ends at `root`, left to right.
  std::vector<int> chain_terms(int root) const {
    std::vector<int> leaves, todo;
    auto push_operands = [&](int x) {
      const std::vector<int>& in = g_.inputs[size_t(x)];
      todo.insert(todo.end(), in.rbegin(), in.rend());
    };
    push_operands(root);
    while (!todo.empty()) {
      const int x = todo.back();
      todo.pop_back();
      if (interior_[size_t(x)])
        push_operands(x);
      else
        leaves.push_back(x);
    }
    return leaves;
  }

  // Add chains (scalar adds, each but the last used only by the next) whose operands
  // hold at least min_group elements of one group become sums over the group's tensor.
  void find_reductions() {
    const size_t n = g_.nodes.size();
    std::vector<bool> output(n, false);
    for (int o : g_.output_index) output[size_t(o)] = true;
    interior_.assign(n, false);
    for (size_t i = 0; i < n; ++i)
      interior_[i] = chainable(i) && !output[i] && g_.users[i].size() == 1 &&
                     chainable(size_t(g_.users[i][0]));
    for (size_t root = 0; root < n; ++root) {
      if (!chainable(root) || interior_[root]) continue;
      const std::vector<int> leaves = chain_terms(int(root));
      std::map<int, std::vector<int>> elements;  // group -> positions, in chain order
      std::vector<bool> once(n, false);
      for (int leaf : leaves)
        if (group_of_[size_t(leaf)] >= 0 && !once[size_t(leaf)]) {
          once[size_t(leaf)] = true;
          elements[group_of_[size_t(leaf)]].push_back(pos_[size_t(leaf)]);
        }
      std::vector<Term> terms;
      std::vector<bool> summed(n, false);
      for (auto& [group, e] : elements) {
        if (int64_t(e.size()) < min_group_) continue;
        std::sort(e.begin(), e.end());  // a sum in element order: all of them is the tensor
        for (int p : e) summed[size_t(groups_[size_t(group)].members[size_t(p)])] = true;
        terms.push_back({group, std::move(e), -1});
      }
      if (terms.empty()) {
        unmark_chain(int(root));  // rebuilt add by add
        continue;
      }
      for (int leaf : leaves) {
        if (summed[size_t(leaf)])
          summed[size_t(leaf)] = false;  // summed once; a repeat is added on its own
        else
          terms.push_back({-1, {}, leaf});
      }
      terms_[int(root)] = std::move(terms);
    }
  }

  void unmark_chain(int root) {
    std::vector<int> todo{root};
    while (!todo.empty()) {
      const int x = todo.back();
      todo.pop_back();
      for (int j : g_.inputs[size_t(x)])
        if (interior_[size_t(j)]) {
          interior_[size_t(j)] = false;
          todo.push_back(j);
        }
    }
  }

  NodeRef reduce(int root) {
    std::optional<Value> total;
    for (const Term& t : terms_.at(root)) {
      const Value v = t.group >= 0 ? sum(in_order(t.group, t.elements)) : Value(operand(t.node));
      total = total ? make("add", {*total, v}) : v;
    }
    return total->node();
  }

  // The group's tensor with its elements at `positions`, in that order.
  Value in_order(int group, const std::vector<int>& positions) {
    const Value whole(stacked_[size_t(group)]);
    bool identity = positions.size() == groups_[size_t(group)].members.size();
    for (size_t k = 0; identity && k < positions.size(); ++k) identity = positions[k] == int(k);
    if (identity) return whole;
    return gather(whole, tensor({int64_t(positions.size())},
                                std::vector<float>(positions.begin(), positions.end())));
  }

  // The new value of node j as an operand of an ungrouped node: a grouped node's element
  // is read back from its group's tensor.
  NodeRef operand(int j) {
    const size_t k = size_t(j);
    if (group_of_[k] < 0) return done_[k];
    if (!element_[k])
      element_[k] = gather(Value(stacked_[size_t(group_of_[k])]), double(pos_[k])).node();
    return element_[k];
  }

  // The new cell for cell c (a copy: the program's graph is never changed in place).
  std::shared_ptr<Cell> cell_copy(int c) {
    std::shared_ptr<Cell>& copy = cells_[size_t(c)];
    if (!copy) {
      const Cell& old = *g_.cells[size_t(c)].cell;
      copy = std::make_shared<Cell>(Cell{old.shape, old.init, old.hop, old.name, {}});
      register_cell(copy);
    }
    return copy;
  }

  // Node i with its operands' new values (itself when none changed and it has no cell).
  NodeRef rebuild(int i) {
    const Node& n = *g_.nodes[size_t(i)];
    std::vector<Value> inputs;
    bool same = true;
    for (size_t p = 0; p < n.inputs.size(); ++p) {
      inputs.emplace_back(operand(g_.inputs[size_t(i)][p]));
      same = same && inputs.back().node() == n.inputs[p];
    }
    const int c = g_.cell_of[size_t(i)];
    if (same && c < 0) return refs_[size_t(i)];
    NodeExtras extras{nullptr, {}, n.param, n.data};
    if (n.cell) extras.cell = cell_copy(c);
    if (c >= 0 && !n.cell) extras.written_cell = cell_copy(c);
    NodeRef made = make(n.op->name, std::move(inputs), n.attrs, extras).node();
    if (c >= 0 && !n.cell) cell_copy(c)->writes.push_back(made);
    return made;
  }

  // Operand p of every member of group k, as one value over the group's elements.
  Value stacked_operand(int k, size_t p) {
    const std::vector<int>& members = groups_[size_t(k)].members;
    std::vector<int> operands;
    for (int m : members) operands.push_back(g_.inputs[size_t(m)][p]);
    const int h = group_of_[size_t(operands[0])];
    if (h >= 0) {
      std::vector<int> positions;
      for (int j : operands) positions.push_back(pos_[size_t(j)]);
      return in_order(h, positions);
    }
    if (std::all_of(operands.begin(), operands.end(), [&](int j) {
          return same_value(*g_.nodes[size_t(j)], *g_.nodes[size_t(operands[0])]);
        }))
      return Value(done_[size_t(operands[0])]);
    std::vector<Value> values;
    std::vector<float> constants;
    for (int j : operands) {
      values.emplace_back(done_[size_t(j)]);
      const Node& v = *values.back().node();
      if (v.op->name == "const") constants.push_back(float(v.attrs.reals[0]));
    }
    if (constants.size() == values.size()) {
      if (std::all_of(values.begin(), values.end(),
                      [&](const Value& v) { return v.node()->attrs == values[0].node()->attrs; }))
        return values[0];  // one constant, broadcast
      return tensor({int64_t(values.size())}, std::move(constants));
    }
    return make("stack", std::move(values));
  }

  // Group k as one node over a tensor of its elements (a group of history writes
  // writes the cell its reads' group made).
  void build_group(int k) {
    if (stacked_[size_t(k)]) return;
    const std::vector<int>& members = groups_[size_t(k)].members;
    const Node& first = *g_.nodes[size_t(members[0])];
    const auto n = int64_t(members.size());
    std::vector<Value> inputs;
    for (size_t p = 0; p < first.inputs.size(); ++p) inputs.push_back(stacked_operand(k, p));
    // Members whose operands are all the same scalars still have a state each.
    if (!inputs.empty() && std::none_of(inputs.begin(), inputs.end(),
                                        [](const Value& v) { return !v.shape().empty(); }))
      inputs[0] = expand(inputs[0], {n});
    const int c = g_.cell_of[size_t(members[0])];
    if (first.cell) {
      auto cell = std::make_shared<Cell>();
      cell->shape = {n};
      cell->hop = first.cell->hop;
      cell->name = first.cell->name;
      cell->init.assign(size_t(n), 0.0f);
      for (int64_t e = 0; e < n; ++e) {
        const Cell& old = *g_.cells[size_t(g_.cell_of[size_t(members[size_t(e)])])].cell;
        if (!old.init.empty()) cell->init[size_t(e)] = old.init[0];
      }
      register_cell(cell);
      stacked_cells_[c] = cell;
      stacked_[size_t(k)] = make("history_read", {}, {{cell->hop, n}, {}}, {.cell = cell}).node();
    } else if (c >= 0) {
      const std::shared_ptr<Cell> cell = stacked_cells_.at(c);
      stacked_[size_t(k)] =
          make("history_write", std::move(inputs), first.attrs, {.written_cell = cell}).node();
      cell->writes.push_back(stacked_[size_t(k)]);
    } else {
      stacked_[size_t(k)] = make(first.op->name, std::move(inputs), first.attrs).node();
    }
  }

  const Graph& g_;
  int64_t min_group_;
  std::vector<bool> interior_;
  std::vector<Group> groups_;
  std::vector<int> group_of_, pos_;
  std::vector<NodeRef> refs_, done_, element_, stacked_;
  std::vector<std::shared_ptr<Cell>> cells_;
  std::map<int, std::shared_ptr<Cell>> stacked_cells_;  // by the first member's old cell
  std::map<int, std::vector<Term>> terms_;              // reduced chains, by last add
};

}  // namespace

Stacking stack_scalars(const Graph& g, int64_t min_group) { return Rewriter(g, min_group).run(); }

}  // namespace dgen

#include "autodiff/transform.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "analysis/graph.hpp"
#include "analysis/lane_shared.hpp"
#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/cell_state.hpp"

namespace dgen {

class AdjointBuilder {
 public:
  AdjointBuilder(const Value& loss, int64_t tape_frames, InputGrads input_grads)
      : g_(build_graph({loss.node()})),
        lane_shared_(lane_shared(g_)),
        capacity_(tape_frames),
        static_loss_(loss.rate().is_static()),
        input_grads_(std::move(input_grads)) {
    if (tape_frames < 1) throw Error("tape capacity must be >= 1 frame");
    collect_refs(loss.node());
    find_active(g_.index.at(loss.node().get()));
  }

  Differentiated build(const Value& loss) {
    Differentiated d;
    d.static_loss = static_loss_;
    const int root = g_.index.at(loss.node().get());
    Value seed =
        loss.shape().empty() ? Value(1.0) : make("sum_to", {Value(1.0)}, {loss.shape(), {}});
    if (active_[root]) accumulate(root, seed, static_loss_ ? Rate::constant() : Rate::frame());
    for (int i = int(g_.nodes.size()) - 1; i >= 0; --i) visit(i);
    // The reads' adjoints: a whole cell's is what its backward cell holds, a buffer's is
    // added to what its backward cell holds.
    for (size_t c = 0; c < g_.cells.size(); ++c) {
      if (!cell_adj_[c]) continue;
      if (buffers_[c])
        write_cell(buffers_[c]->adjoint, "cell_add", {*cell_adj_[c]});
      else if (cells_[c])
        cells_[c]->write(*cell_adj_[c]);
    }
    for (size_t i = 0; i < g_.nodes.size(); ++i)
      if (g_.nodes[i]->param && adj_[i])
        d.grads.push_back({g_.nodes[i]->param,
                           make("frame_sum", {*adj_[i]}, {{static_loss_ ? 0 : 1}, {}}).node()});
    d.input_grads = input_adjoints();
    d.loss_sum = make("frame_sum", {loss}, {{static_loss_ ? 0 : 1}, {}}).node();
    std::unordered_map<const Node*, NodeRef> writes;  // one tape per forward value
    for (auto& [x, read] : tapes_) {
      const int64_t hop = tape_hop(*x), once = alike(*x);
      NodeRef& write = writes[x.get()];
      if (!write) write = make("tape_write", {Value(x)}, {{capacity_, hop, once}, {}}).node();
      d.tapes.push_back({write, read, x->size(), hop, once != 0});
    }
    for (const Node* n : g_.nodes)
      if (n->rate.is_hop()) d.hop_lcm = std::lcm(d.hop_lcm, n->rate.hop);
    d.backward_cells = cells_reachable(d);
    return d;
  }

  // Why a param the loss reads gets no adjoint from build(): the ops without a derivative
  // that lie between it and the loss (every path passes through one of them).
  std::string why_no_gradient(const ParamData& param) const {
    const auto at = std::find_if(g_.nodes.begin(), g_.nodes.end(),
                                 [&](const Node* n) { return n->param.get() == &param; });
    if (at == g_.nodes.end()) return "the loss does not read it";
    const int i = int(at - g_.nodes.begin());
    if (adj_[i]) return "";
    std::vector<bool> depends(g_.nodes.size(), false);
    depends[i] = true;
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t k = 0; k < g_.nodes.size(); ++k)
        for (int j : g_.inputs[k])
          if (depends[j] && !depends[k]) depends[k] = changed = true;
      for (const auto& cn : g_.cells)
        for (int w : cn.writes)
          if (depends[w])
            for (int r : cn.reads)
              if (!depends[r]) depends[r] = changed = true;
    }
    std::vector<std::string> ops;
    for (size_t k = 0; k < g_.nodes.size(); ++k)
      if (depends[k] && active_[k] && g_.nodes[k]->op->zero_derivative &&
          std::find(ops.begin(), ops.end(), g_.nodes[k]->op->name) == ops.end())
        ops.push_back(g_.nodes[k]->op->name);
    if (ops.empty()) return "no path from it to the loss carries a derivative";
    std::string list;
    for (const std::string& op : ops) list += (list.empty() ? "'" : ", '") + op + "'";
    return "every path to the loss passes through an op without a derivative (" + list + ")";
  }

  // ---- what AdjointCtx asks ----------------------------------------------------------
  const std::optional<Value>& adjoint(int i) const { return adj_[i]; }
  bool active_input(int i, int pos) const { return active_[g_.inputs[i][pos]]; }
  const NodeRef& ref(int i) const { return refs_[i]; }

  // A forward value as the backward program reads it in the adjoint rule of a node of
  // rate `reader`: a static value is itself (the backward program computes it again); any
  // other is taped. A rule of a hop node reads the hop values of its own hop on hop frames
  // only, so that it runs on hop frames, not every frame (a window's adjoint math once
  // per hop, not once per frame).
  //
  // A cheap elementwise value with one non-static input (a scale, an offset, 1 - c) is
  // recomputed from that input instead: that tapes no more values than before and often
  // fewer (chains of them reduce to the one value they start from), and tape traffic is
  // most of what a backward pass costs beyond its arithmetic.
  Value read_forward(const NodeRef& x, Rate reader) {
    if (x->rate.is_static()) return Value(x);
    const bool at_hop = x->rate.is_hop() && reader == x->rate;
    const std::pair<const Node*, bool> key{x.get(), at_hop};
    if (auto it = recomputed_.find(key); it != recomputed_.end()) return it->second;
    if (recomputable(*x)) {
      std::vector<Value> inputs;
      for (const NodeRef& in : x->inputs) inputs.push_back(read_forward(in, reader));
      return recomputed_.emplace(key, make(x->op->name, inputs, x->attrs)).first->second;
    }
    if (auto it = tape_of_.find(key); it != tape_of_.end()) return Value(tapes_[it->second].second);
    std::vector<int64_t> ints{capacity_, tape_hop(*x), at_hop, alike(*x)};
    ints.insert(ints.end(), x->shape.begin(), x->shape.end());
    NodeRef read = make("tape_read", {}, {ints, {}}).node();
    tape_of_[key] = tapes_.size();
    tapes_.push_back({x, read});
    return Value(read);
  }

  // Whether the tape of forward value x is stored once for every lane: x is a node of the
  // loss's graph that every lane computes alike (a value an adjoint rule built is per lane).
  int64_t alike(const Node& x) const {
    const auto at = g_.index.find(&x);
    return at != g_.index.end() && lane_shared_[size_t(at->second)] ? 1 : 0;
  }

  void add(int user, int pos, Value v, std::optional<Rate> from) {
    const int j = g_.inputs[user][pos];
    if (!active_[j]) return;
    accumulate(j, std::move(v), from ? *from : timing(*g_.nodes[user]));
  }

  std::optional<Value> cell_next(int write) {
    const int c = g_.cell_of[write];
    const auto& cn = g_.cells[c];
    if (write != writes_of(c, *g_.nodes[write]->op).back()) return std::nullopt;
    if (!cells_[c]) cells_[c] = History(cn.cell->shape, {}, cn.cell->hop);
    return cells_[c]->read();
  }

  Value buffer_take(int write, const AdjointCtx::BuildTake& build) {
    const int c = g_.cell_of[write];
    const std::vector<int> writes = writes_of(c, *g_.nodes[write]->op);
    if (!buffers_[c]) {
      std::vector<AdjointCtx> contexts;
      for (int w : writes) contexts.push_back({*g_.nodes[w], w, *this});
      const std::shared_ptr<Cell> adjoint = History(g_.cells[c].cell->shape).read().node()->cell;
      buffers_[c] = Buffer{adjoint, build(adjoint, contexts)};
    }
    const auto k = std::find(writes.begin(), writes.end(), write) - writes.begin();
    return make("gather", {buffers_[c]->take, Value(double(k))});
  }

  std::shared_ptr<Cell> buffer_adjoint(int read) const {
    const auto& b = buffers_[g_.cell_of[read]];
    return b ? b->adjoint : nullptr;
  }

  void add_to_cell(int read, const Value& v) {
    auto& sum = cell_adj_[g_.cell_of[read]];
    sum = sum ? *sum + v : v;
  }

 private:
  static int64_t tape_hop(const Node& x) { return x.rate.is_hop() ? x.rate.hop : 1; }

  // The writes of cell c in the order they run, all of `op`: there is no rule for a cell
  // written both whole (history_write) and element by element (cell_poke).
  std::vector<int> writes_of(int c, const OpDef& op) const {
    std::vector<int> writes = g_.cells[c].writes;
    std::sort(writes.begin(), writes.end());
    for (int w : writes)
      if (g_.nodes[w]->op != &op)
        throw Error("no gradient through history cell '" + g_.cells[c].cell->name +
                    "': it is written by both '" + op.name + "' and '" + g_.nodes[w]->op->name +
                    "'");
    return writes;
  }

  // A cheap pure function of its inputs (its rate follows theirs: not in or out) with at
  // most one input that changes over time.
  static bool recomputable(const Node& x) {
    if (!x.op->cheap || x.op->rate || x.op->stateful || x.op->source != Source::Computed)
      return false;
    return std::count_if(x.inputs.begin(), x.inputs.end(),
                         [](const NodeRef& in) { return !in->rate.is_static(); }) <= 1;
  }

  // When a node's adjoint rule runs: at its rate; a static node's adjoint is a value per
  // frame (summed over frames at the params) unless the loss itself is static.
  Rate timing(const Node& n) const {
    if (n.rate.is_static()) return static_loss_ ? Rate::constant() : Rate::frame();
    return n.rate;
  }

  // Adds contribution v, made at timing `from`, to the adjoint of node j: summed over
  // broadcast dimensions, then moved to j's timing (a hop contribution lands on its hop
  // frames only; contributions to a hop value are summed over the frames it is held).
  void accumulate(int j, Value v, Rate from) {
    const Node& x = *g_.nodes[j];
    if (v.shape() != x.shape) v = make("sum_to", {v}, {x.shape, {}});
    const Rate to = timing(x);
    if (from != to) {
      if (from.is_hop()) v = make("hop_gate", {v}, {{from.hop}, {}});
      if (to.is_hop()) v = make("hop_sum", {v}, {{to.hop}, {}});
    }
    adj_[j] = adj_[j] ? *adj_[j] + v : v;
  }

  void visit(int i) {
    const Node& node = *g_.nodes[i];
    if (!active_[i] || node.param || node.op->zero_derivative) return;
    // A cell write can receive adjoint from the next frame's reads even when its own
    // output has none.
    if (!adj_[i] && !node.state_cell()) return;
    if (!node.op->adjoint) throw Error("no gradient for op '" + node.op->name + "'");
    AdjointCtx ctx{node, i, *this};
    node.op->adjoint(ctx);
  }

  // Every history cell of the backward program: those reachable from its outputs and from
  // any adjoint built (rules make cells of their own). Forward cells are never reachable:
  // the backward program reads frame-rate forward values from tapes.
  std::vector<std::shared_ptr<Cell>> cells_reachable(const Differentiated& d) const {
    std::vector<const Node*> stack;
    for (const NodeRef& n : d.backward_outputs()) stack.push_back(n.get());
    for (const auto& a : adj_)
      if (a) stack.push_back(a->node().get());
    std::unordered_map<const Node*, bool> seen;
    std::vector<std::shared_ptr<Cell>> cells;
    while (!stack.empty()) {
      const Node* n = stack.back();
      stack.pop_back();
      if (seen[n]) continue;
      seen[n] = true;
      for (const NodeRef& in : n->inputs) stack.push_back(in.get());
      if (!n->cell) continue;
      if (std::find(cells.begin(), cells.end(), n->cell) == cells.end()) cells.push_back(n->cell);
      for (const NodeRef& w : n->cell->writes) stack.push_back(w.get());
    }
    return cells;
  }

  // A host input to differentiate: the target of a loss, left out, keeps its side of the
  // graph inactive (no adjoint, no tape).
  bool is_input(int i) const {
    return g_.nodes[i]->op == &op_def("in") && input_grads_.wants(int(g_.nodes[i]->attrs.ints[0]));
  }

  // The adjoint of each host input channel the loss depends on: the sum over its in()
  // nodes, rendered per frame by an out() of the backward program (channel 0: a value a
  // program renders that is no out() of the patch).
  std::vector<Differentiated::InputGrad> input_adjoints() const {
    std::map<int, Value> by_channel;
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      if (!is_input(int(i)) || !adj_[i]) continue;
      const int channel = int(g_.nodes[i]->attrs.ints[0]);
      auto [it, fresh] = by_channel.emplace(channel, *adj_[i]);
      if (!fresh) it->second = it->second + *adj_[i];
    }
    std::vector<Differentiated::InputGrad> out;
    for (const auto& [channel, adjoint] : by_channel)
      out.push_back({channel, make("out", {adjoint}, {{0}, {}}).node()});
    return out;
  }

  // Shared handles for the graph's nodes (the graph holds raw pointers).
  void collect_refs(const NodeRef& loss) {
    refs_.resize(g_.nodes.size());
    refs_[g_.index.at(loss.get())] = loss;
    for (const Node* n : g_.nodes) {
      for (const NodeRef& in : n->inputs) refs_[g_.index.at(in.get())] = in;
      if (n->cell)
        for (const NodeRef& w : n->cell->writes) refs_[g_.index.at(w.get())] = w;
    }
  }

  // Active nodes: those that depend on a param (or a host input, when input gradients are
  // asked for) and that the loss depends on, where a
  // cell's reads depend on its writes (state edges) in both directions.
  void find_active(int root) {
    const int n = int(g_.nodes.size());
    std::vector<bool> needs(n, false), reaches(n, false);
    reaches[root] = true;
    for (bool changed = true; changed;) {
      changed = false;
      auto set = [&](std::vector<bool>& v, int i) {
        if (!v[i]) v[i] = changed = true;
      };
      for (int i = 0; i < n; ++i) {
        if (g_.nodes[i]->param || is_input(i)) set(needs, i);
        for (int j : g_.inputs[i])
          if (needs[j]) set(needs, i);
      }
      for (int i = n - 1; i >= 0; --i)
        if (reaches[i])
          for (int j : g_.inputs[i]) set(reaches, j);
      for (const auto& cn : g_.cells) {
        for (int w : cn.writes)
          if (needs[w])
            for (int r : cn.reads) set(needs, r);
        for (int r : cn.reads)
          if (reaches[r])
            for (int w : cn.writes) set(reaches, w);
      }
    }
    active_.assign(n, false);
    for (int i = 0; i < n; ++i) active_[i] = needs[i] && reaches[i];
    adj_.resize(n);
    cells_.resize(g_.cells.size());
    cell_adj_.resize(g_.cells.size());
    buffers_.resize(g_.cells.size());
  }

  Graph g_;
  // Per forward node: every lane computes it alike, so its tape is stored once
  // (StateVar::lanes_alike).
  std::vector<bool> lane_shared_;
  int64_t capacity_;
  bool static_loss_;
  InputGrads input_grads_;
  std::vector<NodeRef> refs_;
  std::vector<bool> active_;
  std::vector<std::optional<Value>> adj_;
  std::vector<std::pair<NodeRef, NodeRef>> tapes_;  // forward value -> its tape_read, in order made
  // (forward value, read at hop rate) -> index in tapes_
  std::map<std::pair<const Node*, bool>, size_t> tape_of_;
  std::map<std::pair<const Node*, bool>, Value> recomputed_;  // same key: rebuilt values
  std::vector<std::optional<History>> cells_;                 // backward cell of each forward cell
  std::vector<std::optional<Value>> cell_adj_;                // the reads' adjoints, per cell
  struct Buffer {
    std::shared_ptr<Cell> adjoint;  // the backward cell
    Value take;                     // the writes' take from it
  };
  std::vector<std::optional<Buffer>> buffers_;  // per cell, when its writes take from one
};

// ---- AdjointCtx ------------------------------------------------------------------------

bool AdjointCtx::has_grad() const { return builder.adjoint(index).has_value(); }
Value AdjointCtx::grad() const { return builder.adjoint(index).value_or(Value(0.0)); }
bool AdjointCtx::needs(int input) const { return builder.active_input(index, input); }
Value AdjointCtx::in(int input) const {
  return builder.read_forward(node.inputs[size_t(input)], node.rate);
}
Value AdjointCtx::out() const { return builder.read_forward(builder.ref(index), node.rate); }
Value AdjointCtx::forward(const Value& v) const {
  return builder.read_forward(v.node(), node.rate);
}
void AdjointCtx::add(int input, const Value& v, std::optional<Rate> timing) const {
  builder.add(index, input, v, timing);
}
std::optional<Value> AdjointCtx::cell_next() const { return builder.cell_next(index); }
void AdjointCtx::add_to_cell(const Value& v) const { builder.add_to_cell(index, v); }
Value AdjointCtx::buffer_take(const BuildTake& build) const {
  return builder.buffer_take(index, build);
}
std::shared_ptr<Cell> AdjointCtx::buffer_adjoint() const { return builder.buffer_adjoint(index); }

// ---- Differentiated --------------------------------------------------------------------

Differentiated::~Differentiated() {
  for (const auto& cell : backward_cells) cell->writes.clear();
}

Differentiated& Differentiated::operator=(Differentiated&& other) noexcept {
  if (this != &other) {
    for (const auto& cell : backward_cells) cell->writes.clear();
    static_loss = other.static_loss;
    loss_sum = std::move(other.loss_sum);
    tapes = std::move(other.tapes);
    grads = std::move(other.grads);
    input_grads = std::move(other.input_grads);
    hop_lcm = other.hop_lcm;
    backward_cells = std::move(other.backward_cells);
  }
  return *this;
}

std::vector<NodeRef> Differentiated::forward_outputs() const {
  std::vector<NodeRef> out{loss_sum};
  for (const Tape& t : tapes)
    if (std::find(out.begin(), out.end(), t.write) == out.end()) out.push_back(t.write);
  return out;
}

std::vector<NodeRef> Differentiated::backward_outputs() const {
  std::vector<NodeRef> out;
  for (const Grad& g : grads) out.push_back(g.sum);
  for (const InputGrad& g : input_grads) out.push_back(g.out);
  return out;
}

double Differentiated::tape_bytes_per_frame(int64_t lanes) const {
  double bytes = 0;
  for (const Tape& t : tapes)
    bytes += 4.0 * double(t.elements) / double(t.hop) * double(t.alike ? 1 : lanes);
  return bytes;
}

Differentiated differentiate(const Value& loss, int64_t tape_frames,
                             const InputGrads& input_grads) {
  AdjointBuilder builder(loss, tape_frames, input_grads);
  return builder.build(loss);
}

std::vector<std::string> why_no_gradient(const Value& loss, const std::vector<Param>& params) {
  AdjointBuilder builder(loss, /*tape_frames=*/1, /*input_grads=*/{});
  const Differentiated adjoint = builder.build(loss);
  std::vector<std::string> reasons;
  for (const Param& p : params) reasons.push_back(builder.why_no_gradient(*p.data()));
  return reasons;
}

}  // namespace dgen

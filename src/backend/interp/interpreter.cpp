#include "backend/interp/interpreter.hpp"

#include <algorithm>

#include "ir/op_table.hpp"
#include "runtime/arena.hpp"

namespace dgen {
namespace {

class Interpreter final : public Executor {
 public:
  explicit Interpreter(const Schedule& s) : g_(s.graph), lanes_(s.lanes), reverse_(s.reverse) {
    const int n = int(g_.nodes.size());
    owner_.resize(n);
    std::vector<int> cell_owner(g_.cells.size(), -1);
    for (int i = 0; i < n; ++i) {
      const int c = g_.cell_of[i];
      owner_[i] = c >= 0 ? (cell_owner[c] < 0 ? cell_owner[c] = i : cell_owner[c]) : i;
    }
    outputs_of_.resize(n);
    for (size_t k = 0; k < g_.output_index.size(); ++k)
      outputs_of_[g_.output_index[k]].push_back(int(k));
    reset();
  }

  void reset() override {
    const int n = int(g_.nodes.size());
    t_ = 0;
    values_.assign(lanes_, std::vector<std::vector<double>>(n));
    state_.assign(lanes_, std::vector<std::vector<std::vector<double>>>(n));
    for (int l = 0; l < lanes_; ++l)
      for (int i = 0; i < n; ++i) {
        const Node& node = *g_.nodes[i];
        values_[l][i].assign(node.size(), 0.0);
        if (owner_[i] != i || !node.op->state) continue;
        auto vars = node.op->state(node);
        auto& st = state_[l][i];
        std::vector<double*> ptrs;
        for (const StateVar& v : vars) st.emplace_back(v.count, 0.0);
        for (auto& v : st) ptrs.push_back(v.data());
        if (node.op->init_state) node.op->init_state(node, g_.instance[i], ptrs);
      }
  }

  void render(const RunIO& io) override {
    check_param_sizes(g_, lanes_);
    const int n = int(g_.nodes.size());
    // Frame f of this run is frame t0 + f since reset; a reverse run visits f backwards.
    const int64_t t0 = reverse_ ? t_ - io.frames : t_;
    for (int l = 0; l < lanes_; ++l) {
      auto& vals = values_[l];
      int64_t f = 0;
      auto eval = [&](int i) {
        const Node& node = *g_.nodes[i];
        EvalCtx c{node, {}, vals[i].data(), {}};
        for (int j : g_.inputs[i]) c.in.push_back(vals[j].data());
        for (auto& v : state_[l][owner_[i]]) c.state.push_back(v.data());
        c.t = t0 + f;
        c.run_frame = f;
        c.sr = io.sample_rate;
        c.lane = l;
        c.hop_frame = !node.rate.is_hop() || (t0 + f) % node.rate.hop == 0;
        c.input = [&](int ch) {
          const size_t k = size_t(ch - 1);
          return k < io.inputs.size() && f < int64_t(io.inputs[k].size()) ? double(io.inputs[k][f])
                                                                          : 0.0;
        };
        c.output = [&](const double* v) {
          const int64_t m = node.size();
          for (int k : outputs_of_[i])
            for (int64_t e = 0; e < m; ++e) io.outputs[k][(f * m + e) * lanes_ + l] = float(v[e]);
        };
        node.op->eval(c);
      };
      for (int i = 0; i < n; ++i)
        if (g_.nodes[i]->rate.is_static()) eval(i);
      for (int64_t k = 0; k < io.frames; ++k) {
        f = reverse_ ? io.frames - 1 - k : k;
        for (int i = 0; i < n; ++i) {
          const Node& node = *g_.nodes[i];
          if (node.rate.is_static()) continue;
          if (node.rate.is_hop() && node.op->exec == Exec::AtRate && (t0 + f) % node.rate.hop != 0)
            continue;
          eval(i);
        }
      }
    }
    t_ = reverse_ ? t0 : t_ + io.frames;
  }

  std::vector<double> read_state(int node, int var) const override {
    const size_t count = state_[0][owner_[node]][var].size();
    std::vector<double> out(count * lanes_);
    for (int l = 0; l < lanes_; ++l)
      for (size_t e = 0; e < count; ++e) out[e * lanes_ + l] = state_[l][owner_[node]][var][e];
    return out;
  }

  void write_state(int node, int var, std::span<const double> values) override {
    for (int l = 0; l < lanes_; ++l) {
      auto& st = state_[l][owner_[node]][var];
      for (size_t e = 0; e < st.size(); ++e) st[e] = values[e * lanes_ + l];
    }
  }

  void seek(int64_t frame) override { t_ = frame; }

 private:
  const Graph& g_;
  int lanes_;
  bool reverse_;
  int64_t t_ = 0;
  std::vector<int> owner_;  // node whose state this node uses (cells share one)
  std::vector<std::vector<int>> outputs_of_;
  std::vector<std::vector<std::vector<double>>> values_;              // [lane][node][element]
  std::vector<std::vector<std::vector<std::vector<double>>>> state_;  // [lane][node][var][element]
};

}  // namespace

std::unique_ptr<Executor> make_interpreter(const Schedule& schedule) {
  return std::make_unique<Interpreter>(schedule);
}

}  // namespace dgen

#include "backend/interp/interpreter.hpp"

#include <algorithm>

#include "ir/op_table.hpp"

namespace dgen {
namespace {

class Interpreter final : public Executor {
 public:
  explicit Interpreter(const Schedule& s) : g_(s.graph), lanes_(s.lanes) {
    const int n = int(g_.nodes.size());
    owner_.resize(n);
    std::vector<int> cell_owner(g_.cells.size(), -1);
    for (int i = 0; i < n; ++i) {
      const int c = g_.cell_of[i];
      owner_[i] = c >= 0 ? (cell_owner[c] < 0 ? cell_owner[c] = i : cell_owner[c]) : i;
    }
    outputs_of_.resize(n);
    for (size_t k = 0; k < g_.output_index.size(); ++k) outputs_of_[g_.output_index[k]].push_back(int(k));
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

  void run(const RunIO& io) override {
    const int n = int(g_.nodes.size());
    for (int l = 0; l < lanes_; ++l) {
      auto& vals = values_[l];
      int64_t f = 0;
      auto eval = [&](int i) {
        const Node& node = *g_.nodes[i];
        EvalCtx c{node, {}, vals[i].data(), {}};
        for (int j : g_.inputs[i]) c.in.push_back(vals[j].data());
        for (auto& v : state_[l][owner_[i]]) c.state.push_back(v.data());
        c.t = t_ + f;
        c.run_frame = f;
        c.sr = io.sample_rate;
        c.lane = l;
        c.hop_frame = !node.rate.is_hop() || (t_ + f) % node.rate.hop == 0;
        c.input = [&](int ch) {
          const size_t k = size_t(ch - 1);
          return k < io.inputs.size() && f < int64_t(io.inputs[k].size()) ? double(io.inputs[k][f]) : 0.0;
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
      for (f = 0; f < io.frames; ++f)
        for (int i = 0; i < n; ++i) {
          const Node& node = *g_.nodes[i];
          if (node.rate.is_static()) continue;
          if (node.rate.is_hop() && node.op->exec == Exec::AtRate && (t_ + f) % node.rate.hop != 0) continue;
          eval(i);
        }
    }
    t_ += io.frames;
  }

 private:
  const Graph& g_;
  int lanes_;
  int64_t t_ = 0;
  std::vector<int> owner_;  // node whose state this node uses (cells share one)
  std::vector<std::vector<int>> outputs_of_;
  std::vector<std::vector<std::vector<double>>> values_;               // [lane][node][element]
  std::vector<std::vector<std::vector<std::vector<double>>>> state_;   // [lane][node][var][element]
};

}  // namespace

std::unique_ptr<Executor> make_interpreter(const Schedule& schedule) {
  return std::make_unique<Interpreter>(schedule);
}

}  // namespace dgen

// The random-graph builder's core: randomness, the pool of values, leaves, and build().
#include "core/random_graph.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/random_graph_builder.hpp"

namespace dgen::test {
namespace detail {

bool broadcastable(const Shape& a, const Shape& b) {
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const int64_t x = a[a.size() - 1 - i], y = b[b.size() - 1 - i];
    if (x != y && x != 1 && y != 1) return false;
  }
  return true;
}

Shape broadcast(const Shape& a, const Shape& b) {
  Shape out = a.size() >= b.size() ? a : b;
  const Shape& other = a.size() >= b.size() ? b : a;
  for (size_t i = 0; i < other.size(); ++i) {
    int64_t& o = out[out.size() - 1 - i];
    o = std::max(o, other[other.size() - 1 - i]);
  }
  return out;
}

Builder::Builder(uint32_t seed) : rng_(seed) {
  graph_.seed = seed;
  graph_.lanes = std::array{1, 3, 8}[size_t(below(3))];
}

RandomGraph Builder::build() {
  const int leaves = 2 + below(3);
  for (int i = 0; i < leaves; ++i) add_leaf();
  const int steps = 6 + below(15);
  for (int i = 0; i < steps; ++i) {
    const int kind = below(12);
    if (kind < 1)
      add_leaf();
    else if (kind < 6)
      add_math();
    else if (kind < 9)
      add_state();
    else if (kind < 10)
      add_window();
    else
      add_tensor_op();
  }
  // The newest value and up to two others (distinct) are the outputs.
  std::vector<size_t> chosen{pool_.size() - 1};
  for (int extra = below(3); extra > 0; --extra) {
    const size_t k = size_t(below(int(pool_.size())));
    if (std::find(chosen.begin(), chosen.end(), k) == chosen.end()) chosen.push_back(k);
  }
  for (size_t k : chosen) graph_.outputs.push_back(pool_[k].v);
  return std::move(graph_);
}

int Builder::below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
double Builder::uniform(double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng_);
}
bool Builder::coin(double p) { return uniform(0, 1) < p; }
double Builder::constant(double lo, double hi) { return std::round(uniform(lo, hi) * 64) / 64; }
std::vector<float> Builder::values(int64_t n, double lo, double hi) {
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = float(constant(lo, hi));
  return v;
}
Shape Builder::tensor_shape() {
  static const Shape shapes[] = {{3}, {2, 3}, {2, 1}, {4}};
  return shapes[below(4)];
}

void Builder::add(Value v, double bound, std::string what) {
  if (bound > kLimit) {
    v = clip(v, -kLimit, kLimit);
    bound = kLimit;
    what = "clip(" + what + ")";
  }
  graph_.steps.push_back("v" + std::to_string(pool_.size()) + " " + to_string(v.shape()) + " " +
                         to_string(v.rate()) + " = " + what);
  pool_.push_back({std::move(v), bound});
}

std::string Builder::name(const Term& t) const {
  for (size_t k = 0; k < pool_.size(); ++k)
    if (pool_[k].v.node() == t.v.node()) return "v" + std::to_string(k);
  return "a fresh value";
}

Term Builder::any() {
  const int n = int(pool_.size());
  const int back = std::min(n - 1, below(4) == 0 ? below(n) : below(std::min(n, 3)));
  return pool_[size_t(n - 1 - back)];
}

Term Builder::compatible_with(const Shape& s) {
  for (int tries = 0; tries < 8; ++tries) {
    Term t = any();
    if (broadcastable(s, t.v.shape())) return t;
  }
  return {Value(constant(-1, 1)), 1};
}

Term Builder::scalar() {
  for (int tries = 0; tries < 8; ++tries) {
    Term t = any();
    if (t.v.shape().empty()) return t;
  }
  return {sin(kTwoPi * phasor(constant(5, 40))), 1};
}

Term Builder::shaped() {
  for (int tries = 0; tries < 8; ++tries) {
    Term t = any();
    if (!t.v.shape().empty()) return t;
  }
  return {tensor({2, 3}, values(6, -1, 1)), 1};
}

void Builder::add_leaf() {
  switch (below(9)) {
    case 0: {
      const double c = constant(-2, 2);
      add(Value(c), std::fabs(c), "const " + std::to_string(c));
      break;
    }
    case 1: {
      Param p("p" + std::to_string(pool_.size()), float(constant(-1, 1)));
      const bool per_lane = graph_.lanes > 1 && coin();
      if (per_lane) p.set_per_lane(values(graph_.lanes, -1, 1));
      add(p, 1, per_lane ? "per-lane param" : "param");
      break;
    }
    case 2: {
      const Shape s = tensor_shape();
      add(tensor(s, values(numel(s), -1, 1)), 1, "tensor literal");
      break;
    }
    case 3: {
      const Shape s = tensor_shape();
      add(Param("t" + std::to_string(pool_.size()), s, values(numel(s), -1, 1)), 1, "tensor param");
      break;
    }
    case 4: {
      const bool bank = coin(0.3);
      const Value f = bank ? tensor({3}, values(3, 50, 3000)) : Value(constant(50, 3000));
      add(coin() ? sin(kTwoPi * phasor(f)) : triangle(phasor(f), constant(0.2, 0.8)), 1,
          bank ? "oscillator bank" : "oscillator");
      break;
    }
    case 5:
      add(noise(uint32_t(below(1000))), 1, "noise");
      break;
    case 6:
      add(click(), 1, "click");
      break;
    case 7: {
      const double lo = constant(-1, 0), hi = lo + constant(0.5, 2);
      add(accum(constant(0.001, 0.05), 0.0, lo, hi), std::max(-lo, hi), "accum");
      break;
    }
    default:
      add(samplerate() / 44100.0, 1, "samplerate / 44100");
      break;
  }
}

}  // namespace detail

std::string RandomGraph::describe() const {
  std::string out =
      "random graph seed " + std::to_string(seed) + ", lanes " + std::to_string(lanes) + ":\n";
  for (const std::string& s : steps) out += "  " + s + "\n";
  return out;
}

RandomGraph random_graph(uint32_t seed) { return detail::Builder(seed).build(); }

}  // namespace dgen::test

#include "core/random_graph.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numbers>
#include <random>

namespace dgen::test {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
// Values are clipped back into [-kLimit, kLimit] whenever their bound could exceed it.
constexpr double kLimit = 4.0;

// A value of the graph under construction and a bound on its magnitude.
struct Term {
  Value v;
  double bound;
};

bool broadcastable(const Shape& a, const Shape& b) {
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const int64_t x = a[a.size() - 1 - i], y = b[b.size() - 1 - i];
    if (x != y && x != 1 && y != 1) return false;
  }
  return true;
}

// The numpy broadcast of two broadcastable shapes.
Shape broadcast(const Shape& a, const Shape& b) {
  Shape out = a.size() >= b.size() ? a : b;
  const Shape& other = a.size() >= b.size() ? b : a;
  for (size_t i = 0; i < other.size(); ++i) {
    int64_t& o = out[out.size() - 1 - i];
    o = std::max(o, other[other.size() - 1 - i]);
  }
  return out;
}

class Builder {
 public:
  explicit Builder(uint32_t seed) : rng_(seed) {
    graph_.seed = seed;
    graph_.lanes = std::array{1, 3, 8}[size_t(below(3))];
  }

  RandomGraph build() {
    const int leaves = 2 + below(3);
    for (int i = 0; i < leaves; ++i) add_leaf();
    const int steps = 6 + below(15);
    for (int i = 0; i < steps; ++i) {
      const int kind = below(10);
      if (kind < 1)
        add_leaf();
      else if (kind < 6)
        add_math();
      else
        add_state();
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

 private:
  // ---- randomness -----------------------------------------------------------------------
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  bool coin(double p = 0.5) { return uniform(0, 1) < p; }
  // A constant rounded to 1/64 so its float and double values are equal.
  double constant(double lo, double hi) { return std::round(uniform(lo, hi) * 64) / 64; }
  Shape tensor_shape() {
    static const Shape shapes[] = {{3}, {2, 3}, {2, 1}, {4}};
    return shapes[below(4)];
  }
  std::vector<float> values(int64_t n, double lo, double hi) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = float(constant(lo, hi));
    return v;
  }

  // ---- the pool -------------------------------------------------------------------------
  void add(Value v, double bound, std::string what) {
    if (bound > kLimit) {
      v = clip(v, -kLimit, kLimit);
      bound = kLimit;
      what = "clip(" + what + ")";
    }
    graph_.steps.push_back("v" + std::to_string(pool_.size()) + " " + to_string(v.shape()) + " " +
                           to_string(v.rate()) + " = " + what);
    pool_.push_back({std::move(v), bound});
  }
  std::string name(const Term& t) const {
    for (size_t k = 0; k < pool_.size(); ++k)
      if (pool_[k].v.node() == t.v.node()) return "v" + std::to_string(k);
    return "?";
  }
  // Recent values are picked more often so graphs grow deep rather than wide.
  Term any() {
    const int n = int(pool_.size());
    const int back = std::min(n - 1, below(4) == 0 ? below(n) : below(std::min(n, 3)));
    return pool_[size_t(n - 1 - back)];
  }
  Term compatible_with(const Shape& s) {
    for (int tries = 0; tries < 8; ++tries) {
      Term t = any();
      if (broadcastable(s, t.v.shape())) return t;
    }
    return {Value(constant(-1, 1)), 1};
  }
  Term scalar() {
    for (int tries = 0; tries < 8; ++tries) {
      Term t = any();
      if (t.v.shape().empty()) return t;
    }
    return {sin(kTwoPi * phasor(constant(5, 40))), 1};
  }

  // ---- leaves ---------------------------------------------------------------------------
  void add_leaf() {
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
        add(Param("t" + std::to_string(pool_.size()), s, values(numel(s), -1, 1)), 1,
            "tensor param");
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

  // ---- stateless math -------------------------------------------------------------------
  void add_math() {
    const int kind = below(3);
    if (kind == 0)
      add_unary(any());
    else if (kind == 1)
      add_binary();
    else
      add_ternary();
  }

  void add_unary(const Term& x) {
    const Value& v = x.v;
    const double b = x.bound;
    const std::string n = name(x);
    switch (below(16)) {
      case 0:
        add(-v, b, "neg " + n);
        break;
      case 1:
        add(sin(v), 1, "sin " + n);
        break;
      case 2:
        add(cos(v), 1, "cos " + n);
        break;
      case 3:
        add(tanh(v), 1, "tanh " + n);
        break;
      case 4:
        add(atan(v), 1.6, "atan " + n);
        break;
      case 5:
        add(sigmoid(v), 1, "sigmoid " + n);
        break;
      case 6:
        add(abs(v), b, "abs " + n);
        break;
      case 7:
        add(relu(v), b, "relu " + n);
        break;
      case 8:
        add(sqrt(abs(v)), std::sqrt(b), "sqrt abs " + n);
        break;
      case 9:
        add(log(abs(v) + 1.0), std::log(b + 1), "log(abs + 1) " + n);
        break;
      case 10:
        add(log10(abs(v) + 0.5), 1, "log10(abs + 0.5) " + n);
        break;
      case 11:
        add(exp(clip(v, -2.0, 1.0)), 2.8, "exp clip " + n);
        break;
      case 12:
        add(tan(clip(v, -1.0, 1.0)), 1.6, "tan clip " + n);
        break;
      case 13:
        add(sign(v), 1, "sign " + n);
        break;
      case 14: {
        const int which = below(3);
        const Value scaled = v * 2.0;
        const Value r = which == 0 ? floor(scaled) : which == 1 ? ceil(scaled) : round(scaled);
        add(r, 2 * b + 1,
            std::string(which == 0   ? "floor"
                        : which == 1 ? "ceil"
                                     : "round") +
                " 2*" + n);
        break;
      }
      default:
        add(v * constant(-2, 2), 2 * b, "scaled " + n);
        break;
    }
  }

  void add_binary() {
    const Term x = any(), y = compatible_with(x.v.shape());
    const Value &a = x.v, &c = y.v;
    const double ba = x.bound, bc = y.bound;
    const std::string n = name(x) + ", " + name(y);
    switch (below(14)) {
      case 0:
        add(a + c, ba + bc, "add " + n);
        break;
      case 1:
        add(a - c, ba + bc, "sub " + n);
        break;
      case 2:
        add(a * c, ba * bc, "mul " + n);
        break;
      case 3:
        add(a / (1.0 + abs(c)), ba, "div(x, 1 + abs y) " + n);
        break;
      case 4:
        add(pow(abs(a) + 0.5, clip(c, -1.5, 1.5)), std::pow(ba + 0.5, 1.5) + 3, "pow " + n);
        break;
      case 5:
        add(atan2(a, c), 3.15, "atan2 " + n);
        break;
      case 6:
        add(min(a, c), std::max(ba, bc), "min " + n);
        break;
      case 7:
        add(max(a, c), std::max(ba, bc), "max " + n);
        break;
      case 8: {
        const double m = constant(0.3, 1.5);
        add(mod(a, m), m, "mod " + name(x) + " by " + std::to_string(m));
        break;
      }
      case 9:
        add(gt(a, c), 1, "gt " + n);
        break;
      case 10:
        add(lt(a, c), 1, "lt " + n);
        break;
      case 11:
        add(gte(a, c), 1, "gte " + n);
        break;
      case 12:
        add(lte(a, c), 1, "lte " + n);
        break;
      default:
        add(eq(round(a * 2.0), round(c * 2.0)), 1, "eq(round 2x, round 2y) " + n);
        break;
    }
  }

  void add_ternary() {
    const Term x = any();
    const Value& v = x.v;
    const std::string n = name(x);
    switch (below(7)) {
      case 0: {
        const Term a = compatible_with(v.shape());
        const Term b = compatible_with(broadcast(v.shape(), a.v.shape()));
        add(gswitch(v, a.v, b.v), std::max(a.bound, b.bound),
            "gswitch " + n + ", " + name(a) + ", " + name(b));
        break;
      }
      case 1: {
        const Term a = compatible_with(v.shape());
        const Term t = compatible_with(broadcast(v.shape(), a.v.shape()));
        add(mix(v, a.v, sigmoid(t.v)), std::max(x.bound, a.bound),
            "mix " + n + ", " + name(a) + " by " + name(t));
        break;
      }
      case 2: {
        const double lo = constant(-2, 0.5), hi = lo + constant(0.25, 2);
        add(clip(v, lo, hi), std::max(-lo, hi), "clip " + n);
        break;
      }
      case 3: {
        const double lo = constant(-2, 0.5), hi = lo + constant(0.25, 2);
        add(wrap(v, lo, hi), std::max(std::fabs(lo), std::fabs(hi)), "wrap " + n);
        break;
      }
      case 4: {
        const double a = constant(-1, 0), b = constant(0.5, 1), c = constant(-1, 1),
                     d = constant(-1, 1);
        add(scale(v, a, b, c, d), std::fabs(c) + (x.bound + 1) * std::fabs(d - c) / (b - a),
            "scale " + n);
        break;
      }
      case 5:
        add(triangle(wrap(v, 0.0, 1.0), constant(0.1, 0.9)), 1, "triangle wrap01 " + n);
        break;
      default: {
        std::vector<Value> options;
        double bound = 0;
        Shape shape = v.shape();
        for (int k = 1 + below(3); k > 0; --k) {
          const Term o = compatible_with(shape);
          shape = broadcast(shape, o.v.shape());
          options.push_back(o.v);
          bound = std::max(bound, o.bound);
        }
        add(selector(floor(v * 2.0) + 1.5, options), bound, "selector by 2*" + n);
      }
    }
  }

  // ---- state ----------------------------------------------------------------------------
  void add_state() {
    switch (below(10)) {
      case 0:
        add_feedback();
        break;
      case 1:
        add_hop_cell();
        break;
      case 2:
        add_delay();
        break;
      case 3:
        add_biquad();
        break;
      case 4: {
        const Term v = any(), trig = compatible_with(v.v.shape());
        add(latch(v.v, gt(trig.v, constant(-0.5, 0.5))), v.bound,
            "latch " + name(v) + " when " + name(trig));
        break;
      }
      case 5: {
        const Term x = scalar();
        const double ratio = constant(1, 8), thr = constant(-30, -6), knee = constant(0, 12);
        add(compressor(x.v, ratio, thr, knee, constant(0.001, 0.02), constant(0.01, 0.2)), x.bound,
            "compressor " + name(x));
        break;
      }
      case 6: {
        const Term m = any();
        add(sin(kTwoPi * phasor(constant(100, 1000) + constant(10, 90) * m.v)), 1,
            "oscillator modulated by " + name(m));
        break;
      }
      case 7: {
        const Term inc = any(), r = compatible_with(inc.v.shape());
        const double lo = constant(-1, 0), hi = lo + constant(0.5, 2);
        add(accum(inc.v / 64.0, gt(r.v, 0.9), lo, hi), std::max(-lo, hi),
            "accum of " + name(inc) + " reset by " + name(r));
        break;
      }
      case 8: {
        const Term r = scalar();
        add(phasor(constant(50, 500), gt(r.v, 0.8)), 1, "phasor reset by " + name(r));
        break;
      }
      default:
        add(noise(uint32_t(below(1000))) * any().v, kLimit, "noise scaled");
        break;
    }
  }

  // y = tanh(a y[t-1] + x) with |a| < 1, sometimes through a delay line inside the loop.
  void add_feedback() {
    const Term x = any();
    History h(x.v.shape());
    const double a = constant(-0.9, 0.9);
    Value prev = h.read();
    std::string what = "feedback tanh(" + std::to_string(a) + " y[t-1] + " + name(x) + ")";
    if (coin(0.3)) {
      prev = delay(prev, double(1 + below(6)), 16);
      what += " through a delay";
    }
    add(h.write(tanh(a * prev + x.v)), 1, what);
  }

  // A hop-rate cell: a (delayed) sample-and-hold of x, or a hop-rate recurrence.
  void add_hop_cell() {
    const Term x = any();
    const int64_t hop = std::array<int64_t, 4>{2, 3, 8, 64}[size_t(below(4))];
    const std::vector<float> init =
        coin() ? values(numel(x.v.shape()), -1, 1) : std::vector<float>{};
    History h(x.v.shape(), init, hop);
    const Value r = h.read();
    if (coin()) {
      h.write(x.v);
      add(r, std::max(x.bound, 1.0), "hop(" + std::to_string(hop) + ") hold of " + name(x));
    } else {
      h.write(tanh(0.5 * r + x.v));
      add(r, 1, "hop(" + std::to_string(hop) + ") recurrence of " + name(x));
    }
  }

  void add_delay() {
    const Term x = any();
    const int64_t max = std::array<int64_t, 3>{8, 64, 300}[size_t(below(3))];
    const int kind = below(3);
    Value d = 0.0;
    std::string what;
    if (kind == 0) {
      d = double(below(int(max)));
      what = "integer";
    } else if (kind == 1) {
      d = constant(0, double(max - 1));
      what = "fractional";
    } else {
      const Term m = compatible_with(x.v.shape());
      d = double(max) / 2 + double(max) / 3 * m.v / (1.0 + abs(m.v));
      what = "modulated by " + name(m);
    }
    add(delay(x.v, d, max), x.bound,
        what + " delay of " + name(x) + " (max " + std::to_string(max) + ")");
  }

  void add_biquad() {
    const Term x = any();
    const int mode = below(8);
    Value cutoff = constant(1500, 8000);
    std::string what = "biquad mode " + std::to_string(mode) + " of " + name(x);
    if (coin()) {
      const Term m = scalar();
      cutoff = cutoff + 1000.0 * m.v / (1.0 + abs(m.v));
      what += " cutoff modulated by " + name(m);
    }
    const double q = constant(0.5, 2), gain = constant(0.5, 1.5);
    add(biquad(x.v, cutoff, q, gain, mode), x.bound * (2 + 2 * q) * gain, what);
  }

  std::mt19937 rng_;
  std::vector<Term> pool_;
  RandomGraph graph_;
};

}  // namespace

std::string RandomGraph::describe() const {
  std::string out =
      "random graph seed " + std::to_string(seed) + ", lanes " + std::to_string(lanes) + ":\n";
  for (const std::string& s : steps) out += "  " + s + "\n";
  return out;
}

RandomGraph random_graph(uint32_t seed) { return Builder(seed).build(); }

}  // namespace dgen::test

// Internal to the random-graph generator: the builder that grows a graph one random step
// at a time. Its steps are split by kind over random_graph.cpp (leaves, the pool),
// random_graph_math.cpp (elementwise and tensor math) and random_graph_state.cpp (state,
// hops and windows).
#pragma once
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "core/random_graph.hpp"

namespace dgen::test::detail {

inline constexpr double kTwoPi = 2 * std::numbers::pi;
// Values are clipped back into [-kLimit, kLimit] whenever their bound could exceed it.
inline constexpr double kLimit = 4.0;

// A value of the graph under construction and a bound on its magnitude.
struct Term {
  Value v;
  double bound;
};

bool broadcastable(const Shape& a, const Shape& b);
Shape broadcast(const Shape& a, const Shape& b);  // of two broadcastable shapes

class Builder {
 public:
  explicit Builder(uint32_t seed);
  RandomGraph build();

 private:
  // Randomness. Constants are rounded to 1/64 so their float and double values are equal.
  int below(int n);
  double uniform(double lo, double hi);
  bool coin(double p = 0.5);
  double constant(double lo, double hi);
  std::vector<float> values(int64_t n, double lo, double hi);
  Shape tensor_shape();

  // The pool of values built so far. Recent values are picked more often so graphs grow
  // deep rather than wide.
  void add(Value v, double bound, std::string what);  // clips when bound > kLimit
  std::string name(const Term& t) const;
  Term any();
  Term compatible_with(const Shape& s);  // broadcasts with s
  Term scalar();
  Term shaped();  // a value with a non-empty shape

  // Steps.
  void add_leaf();
  void add_math();
  void add_unary(const Term& x);
  void add_binary();
  void add_ternary();
  void add_tensor_op();
  void add_state();
  void add_feedback();
  void add_hop_cell();
  void add_delay();
  void add_biquad();
  void add_window();

  std::mt19937 rng_;
  std::vector<Term> pool_;
  RandomGraph graph_;
};

}  // namespace dgen::test::detail

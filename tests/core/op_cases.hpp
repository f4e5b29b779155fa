// The cases of the differential suite: small graphs that together use every registered op,
// rendered forward (forward_cases, op_cases.cpp) or differentiated (gradient_cases,
// grad_cases.cpp) on every backend present by test_differential.cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "dgen/dgen.hpp"

namespace dgen::test {

constexpr int64_t kCaseFrames = 600;  // more than two blocks of the C backend

// Bounded test signals: a in [-0.8, 0.8], b in [0, 1], pos in [0.7, 2.3], bank a signal
// tensor [3] in [-1, 1], t23 a static [2, 3] tensor, sig23 = t23 * a.
Value sig_a();
Value sig_b();
Value sig_pos();
Value sig_bank();
Value t23();
Value sig23();

// Host input for the in() cases (channels 1 and 3).
std::vector<float> case_input();

// The suite's tolerances, max abs error <= rel * (1 + max |ref|): forward values, and
// gradients (which sum float32 products over every frame, hence wider).
constexpr double kForwardRel = 1e-5, kGradientRel = 1e-4;

// A case's own tolerance on some backends, where an op computes differently there (another
// math library, fused multiply-adds); other backends use the suite's.
using Tolerances = std::map<Backend, double>;

struct OpCase {
  std::string name;
  std::function<std::vector<Value>()> build;
  int lanes = 1;
  Tolerances rel = {};  // overrides kForwardRel
};

// A loss whose params' gradients are compared; build() makes fresh params every call.
struct GradCase {
  std::string name;
  std::function<Value()> loss;
  int lanes = 1;
  Tolerances rel = {};  // overrides kGradientRel
};

inline double tolerance(const Tolerances& rel, Backend backend, double otherwise) {
  const auto it = rel.find(backend);
  return it == rel.end() ? otherwise : it->second;
}

inline void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }
inline void PrintTo(const GradCase& c, std::ostream* os) { *os << c.name; }

std::vector<OpCase> forward_cases();
std::vector<GradCase> gradient_cases();

}  // namespace dgen::test

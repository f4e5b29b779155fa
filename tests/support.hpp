// Helpers shared by the tests: render values on a chosen backend and compare backends
// (those present: backends.hpp).
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "backends.hpp"
#include "dgen/dgen.hpp"

namespace dgen::test {

// Renders `values` for `frames` frames; returns one [frame][element][lane] vector each.
// `count` values uniform in [-1, 1), reproducible from `seed`.
inline std::vector<float> random_uniform(int64_t count, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = dist(gen);
  return v;
}

inline std::vector<std::vector<float>> render(const std::vector<Value>& values, int64_t frames,
                                              Backend backend, int lanes = 1, double sr = 44100,
                                              const std::vector<InputChannel>& inputs = {}) {
  RenderOptions o;
  o.backend = backend;
  o.lanes = lanes;
  o.sample_rate = sr;
  Program p(values, o);
  p.run(frames, inputs);
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < p.output_count(); ++i)
    out.emplace_back(p.output(i).begin(), p.output(i).end());
  return out;
}

inline std::vector<float> render1(const Value& v, int64_t frames, Backend backend = Backend::Interp,
                                  int lanes = 1, double sr = 44100) {
  return render({v}, frames, backend, lanes, sr)[0];
}

// The differential tolerance of the suite: max abs error <= 1e-5 * (1 + max |ref|).
inline void expect_close_to_reference(const std::vector<float>& got, const std::vector<float>& ref,
                                      double rel = 1e-5) {
  ASSERT_EQ(got.size(), ref.size());
  double peak = 0;
  for (float r : ref) peak = std::max(peak, double(std::fabs(r)));
  const double tol = rel * (1 + peak);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], ref[i], tol) << "at element " << i;
}

// Renders on the interpreter and on `backend` and checks they agree.
inline void expect_agrees_with_interpreter(Backend backend, const std::vector<Value>& values,
                                           int64_t frames, int lanes = 1, double rel = 1e-5) {
  auto ref = render(values, frames, Backend::Interp, lanes);
  auto got = render(values, frames, backend, lanes);
  for (size_t i = 0; i < ref.size(); ++i) {
    SCOPED_TRACE("output " + std::to_string(i));
    expect_close_to_reference(got[i], ref[i], rel);
  }
}

// Renders on the interpreter and on every other backend present; checks they agree.
inline void expect_backends_agree(const std::vector<Value>& values, int64_t frames, int lanes = 1,
                                  double rel = 1e-5) {
  for (const BackendParam& b : compared_backends()) {
    SCOPED_TRACE("backend " + b.name);
    expect_agrees_with_interpreter(b.backend, values, frames, lanes, rel);
  }
}

// Param gradients from `grads(backend)` on every other backend present against the
// interpreter's: each within rel * (floor + |ref|).
template <class Grads>
void expect_gradients_agree(const Grads& grads, double rel, double floor = 0) {
  const std::vector<double> ref = grads(Backend::Interp);
  for (const BackendParam& b : compared_backends()) {
    SCOPED_TRACE("backend " + b.name);
    const std::vector<double> got = grads(b.backend);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i)
      EXPECT_NEAR(got[i], ref[i], rel * (floor + std::fabs(ref[i]))) << "gradient " << i;
  }
}

}  // namespace dgen::test

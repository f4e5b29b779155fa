// Optimizers over Params (SPEC §5): the textbook SGD and Adam updates.
//
// An optimizer reads every param's `grad` (filled by backward()), updates its `value`,
// then clamps it to the param's [min, max]. Its per-element state (momentum, moments)
// follows the param's current size, so a param switched to per-lane values restarts its
// state instead of reading a stale one.
#pragma once
#include <cstdint>
#include <vector>

#include "dgen/param.hpp"

namespace dgen {

class Optimizer {
 public:
  // Throws dgen::Error unless lr > 0.
  Optimizer(std::vector<Param> params, double lr);
  virtual ~Optimizer() = default;

  virtual void step() = 0;
  void zero_grad();  // every param's grad to 0
  const std::vector<Param>& params() const { return params_; }

 protected:
  // Resizes (and zeroes) `state` when the param's value vector changed size.
  static void fit_state(std::vector<double>& state, const Param& param);

  std::vector<Param> params_;

 public:
  double lr;  // the step size; a schedule may change it between steps
};

// p ← p − lr·b with g = grad + weight_decay·p and b = momentum·b + g (b = g without
// momentum); b starts at 0, so the first step is the plain gradient step.
class SGD : public Optimizer {
 public:
  SGD(std::vector<Param> params, double lr, double momentum = 0, double weight_decay = 0);
  void step() override;

  double momentum, weight_decay;

 private:
  std::vector<std::vector<double>> velocity_;  // per param, per element
};

// m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², p ← p − lr·m̂ / (sqrt(v̂) + eps) with the
// bias corrections m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t), t the 1-based step count.
class Adam : public Optimizer {
 public:
  Adam(std::vector<Param> params, double lr, double beta1 = 0.9, double beta2 = 0.999,
       double eps = 1e-8);
  void step() override;

  double beta1, beta2, eps;

 private:
  int64_t t_ = 0;
  std::vector<std::vector<double>> m_, v_;  // per param, per element
};

}  // namespace dgen

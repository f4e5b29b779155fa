#include "dgen/optim.hpp"

#include <cmath>

#include "dgen/error.hpp"

namespace dgen {

namespace {

void check_lr(double lr) {
  if (!(lr > 0)) throw Error("optimizer learning rate must be > 0");
}

}  // namespace

Optimizer::Optimizer(std::vector<Param> params, double lr) : params_(std::move(params)), lr(lr) {
  check_lr(lr);
}

void Optimizer::zero_grad() {
  for (Param& p : params_) p.zero_grad();
}

void Optimizer::fit_state(std::vector<double>& state, const Param& param) {
  if (state.size() != param.values().size()) state.assign(param.values().size(), 0.0);
}

namespace {

// The param's value and grad vectors must agree before an update reads them together.
std::vector<float>& values_for_update(const Param& p) {
  ParamData& d = *p.data();
  if (d.grad.size() != d.value.size()) d.grad.assign(d.value.size(), 0.0);
  return d.value;
}

}  // namespace

SGD::SGD(std::vector<Param> params, double lr, double momentum, double weight_decay)
    : Optimizer(std::move(params), lr),
      momentum(momentum),
      weight_decay(weight_decay),
      velocity_(params_.size()) {
  if (momentum < 0) throw Error("SGD momentum must be >= 0");
}

void SGD::step() {
  for (size_t k = 0; k < params_.size(); ++k) {
    std::vector<float>& value = values_for_update(params_[k]);
    const std::vector<double>& grad = params_[k].grad();
    std::vector<double>& b = velocity_[k];
    fit_state(b, params_[k]);
    for (size_t i = 0; i < value.size(); ++i) {
      const double g = grad[i] + weight_decay * value[i];
      b[i] = momentum * b[i] + g;
      value[i] = float(value[i] - lr * b[i]);
    }
    params_[k].clamp();
  }
}

Adam::Adam(std::vector<Param> params, double lr, double beta1, double beta2, double eps)
    : Optimizer(std::move(params), lr),
      beta1(beta1),
      beta2(beta2),
      eps(eps),
      m_(params_.size()),
      v_(params_.size()) {
  if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1)
    throw Error("Adam betas must be in [0, 1)");
}

void Adam::step() {
  ++t_;
  const double correct1 = 1 - std::pow(beta1, double(t_));
  const double correct2 = 1 - std::pow(beta2, double(t_));
  for (size_t k = 0; k < params_.size(); ++k) {
    std::vector<float>& value = values_for_update(params_[k]);
    const std::vector<double>& grad = params_[k].grad();
    fit_state(m_[k], params_[k]);
    fit_state(v_[k], params_[k]);
    for (size_t i = 0; i < value.size(); ++i) {
      const double g = grad[i];
      m_[k][i] = beta1 * m_[k][i] + (1 - beta1) * g;
      v_[k][i] = beta2 * v_[k][i] + (1 - beta2) * g * g;
      const double m_hat = m_[k][i] / correct1, v_hat = v_[k][i] / correct2;
      value[i] = float(value[i] - lr * m_hat / (std::sqrt(v_hat) + eps));
    }
    params_[k].clamp();
  }
}

}  // namespace dgen

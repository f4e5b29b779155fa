#include "train/cmaes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "dgen/error.hpp"

namespace dgen::train {

// The default parameters of the tutorial's Table 1 for n dimensions and λ points.
Cmaes::Cmaes(std::vector<double> mean, const std::vector<double>& stds, int population,
             uint32_t seed)
    : n_(int(mean.size())),
      lambda_(population),
      mu_(population / 2),
      mean_(std::move(mean)),
      rng_(seed) {
  if (n_ < 1 || int(stds.size()) != n_ || lambda_ < 2)
    throw Error("CMA-ES needs one std per dimension and a population of at least 2");
  const double n = n_;
  for (int i = 0; i < mu_; ++i) weights_.push_back(std::log(mu_ + 0.5) - std::log(i + 1.0));
  const double sum = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  double squares = 0;
  for (double& w : weights_) {
    w /= sum;
    squares += w * w;
  }
  mueff_ = 1 / squares;
  cc_ = (4 + mueff_ / n) / (n + 4 + 2 * mueff_ / n);
  cs_ = (mueff_ + 2) / (n + mueff_ + 5);
  c1_ = 2 / ((n + 1.3) * (n + 1.3) + mueff_);
  cmu_ = std::min(1 - c1_, 2 * (mueff_ - 2 + 1 / mueff_) / ((n + 2) * (n + 2) + mueff_));
  damps_ = 1 + 2 * std::max(0.0, std::sqrt((mueff_ - 1) / (n + 1)) - 1) + cs_;
  chi_n_ = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  pc_.assign(size_t(n_), 0.0);
  ps_.assign(size_t(n_), 0.0);
  c_.assign(size_t(n_), std::vector<double>(size_t(n_), 0.0));
  for (size_t i = 0; i < size_t(n_); ++i) c_[i][i] = std::max(stds[i] * stds[i], 1e-300);
  factor();
}

void Cmaes::factor() {
  const auto n = size_t(n_);
  a_.assign(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= i; ++j) {
      double s = c_[i][j];
      for (size_t k = 0; k < j; ++k) s -= a_[i][k] * a_[j][k];
      // Rounding can make C barely indefinite after many updates: keep A real.
      a_[i][j] = i == j ? std::sqrt(std::max(s, 1e-300)) : s / a_[j][j];
    }
}

const std::vector<std::vector<double>>& Cmaes::ask() {
  std::normal_distribution<double> normal;
  const auto n = size_t(n_);
  z_.assign(size_t(lambda_), std::vector<double>(n));
  x_.assign(size_t(lambda_), mean_);
  for (size_t p = 0; p < size_t(lambda_); ++p) {
    for (double& z : z_[p]) z = normal(rng_);
    for (size_t i = 0; i < n; ++i)
      for (size_t k = 0; k <= i; ++k) x_[p][i] += sigma_ * a_[i][k] * z_[p][k];
  }
  return x_;
}

void Cmaes::tell(const std::vector<double>& costs) {
  if (costs.size() != x_.size()) throw Error("CMA-ES: one cost per point of the last ask");
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  const auto key = [&](size_t p) {
    return std::isfinite(costs[p]) ? costs[p] : std::numeric_limits<double>::infinity();
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });

  const auto n = size_t(n_);
  std::vector<double> zw(n, 0.0), yw(n, 0.0);
  auto y = std::vector<std::vector<double>>(static_cast<size_t>(mu_), std::vector<double>(n));
  for (size_t r = 0; r < size_t(mu_); ++r) {
    const size_t p = order[r];
    for (size_t i = 0; i < n; ++i) {
      y[r][i] = (x_[p][i] - mean_[i]) / sigma_;
      yw[i] += weights_[r] * y[r][i];
      zw[i] += weights_[r] * z_[p][i];
    }
  }
  ++generation_;
  double ps_norm = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_[i] += sigma_ * yw[i];
    ps_[i] = (1 - cs_) * ps_[i] + std::sqrt(cs_ * (2 - cs_) * mueff_) * zw[i];
    ps_norm += ps_[i] * ps_[i];
  }
  ps_norm = std::sqrt(ps_norm);
  const bool hsig =
      ps_norm / std::sqrt(1 - std::pow(1 - cs_, 2.0 * generation_)) / chi_n_ < 1.4 + 2 / (n_ + 1.0);
  for (size_t i = 0; i < n; ++i)
    pc_[i] = (1 - cc_) * pc_[i] + (hsig ? std::sqrt(cc_ * (2 - cc_) * mueff_) : 0.0) * yw[i];
  const double keep = 1 - c1_ - cmu_ + (hsig ? 0.0 : c1_ * cc_ * (2 - cc_));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double rank_mu = 0;
      for (size_t r = 0; r < size_t(mu_); ++r) rank_mu += weights_[r] * y[r][i] * y[r][j];
      c_[i][j] = keep * c_[i][j] + c1_ * pc_[i] * pc_[j] + cmu_ * rank_mu;
    }
  sigma_ *= std::exp(std::min(1.0, (cs_ / damps_) * (ps_norm / chi_n_ - 1)));
  factor();
}

std::vector<double> Cmaes::stds() const {
  std::vector<double> out;
  for (size_t i = 0; i < size_t(n_); ++i) out.push_back(sigma_ * std::sqrt(c_[i][i]));
  return out;
}

double Cmaes::step() const {
  const std::vector<double> s = stds();
  return *std::max_element(s.begin(), s.end());
}

}  // namespace dgen::train

// CMA-ES, the covariance matrix adaptation evolution strategy (Hansen, "The CMA
// Evolution Strategy: A Tutorial", 2016), as the search stage of `dgen train` uses it
// (train/search.hpp): ask for a population, render it as the lanes of one run, tell the
// losses. Sampling uses the Cholesky factor A of the covariance (x = m + σ·A·z), so the
// step-size path needs no inverse square root: A⁻¹·(m' − m)/σ is the weighted mean of z.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

namespace dgen::train {

class Cmaes {
 public:
  // Starts at `mean` with independent standard deviations `stds` (σ = 1, C = diag(stds²));
  // `population` points per generation (at least 2).
  Cmaes(std::vector<double> mean, const std::vector<double>& stds, int population, uint32_t seed);

  // The next generation's points (unbounded: the caller maps them into its domain).
  const std::vector<std::vector<double>>& ask();
  // The cost of every point of the last ask(), lower is better (non-finite: worst).
  void tell(const std::vector<double>& costs);

  const std::vector<double>& mean() const { return mean_; }
  // The sampling distribution's standard deviation along each coordinate (σ·√Cᵢᵢ).
  std::vector<double> stds() const;
  // The largest of stds().
  double step() const;

 private:
  void factor();  // a_ = cholesky(c_)

  int n_, lambda_, mu_;
  std::vector<double> weights_;
  double mueff_, cc_, cs_, c1_, cmu_, damps_, chi_n_;
  std::vector<double> mean_, pc_, ps_;
  std::vector<std::vector<double>> c_, a_;
  double sigma_ = 1;
  int generation_ = 0;
  std::mt19937 rng_;
  std::vector<std::vector<double>> z_, x_;
};

}  // namespace dgen::train

#include "train/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dgen/error.hpp"

namespace dgen::train {

std::vector<double> step_scales(const std::vector<double>& spread, size_t params) {
  std::vector<double> scales(params, 1.0);
  if (spread.size() != params) return scales;
  const double widest = *std::max_element(spread.begin(), spread.end());
  if (!(widest > 0) || !std::isfinite(widest)) return scales;
  for (size_t k = 0; k < params; ++k) scales[k] = std::max(spread[k] / widest, kMinStepScale);
  return scales;
}

StepSchedule::StepSchedule(const ScheduleOptions& options)
    : options_(options), reference_(std::numeric_limits<double>::infinity()) {
  if (!(options.lr > 0)) throw Error("the learning rate must be > 0");
  if (options.warmup < 0 || options.patience < 1 || options.max_reductions < 0)
    throw Error("warm-up must be >= 0, patience >= 1 and reductions >= 0");
}

double StepSchedule::lr(int epoch) const {
  const double ramp =
      options_.warmup > 0 ? std::min(1.0, double(epoch) / double(options_.warmup)) : 1.0;
  return options_.lr * ramp * std::ldexp(1.0, -reductions_);
}

void StepSchedule::observe(double best_loss) {
  const bool progress = std::isfinite(best_loss) &&
                        (!std::isfinite(reference_) ||
                         best_loss < reference_ - options_.min_improvement * std::fabs(reference_));
  if (progress) {
    reference_ = best_loss;
    stale_ = 0;
    return;
  }
  if (++stale_ < options_.patience) return;
  stale_ = 0;
  if (reductions_ == options_.max_reductions)
    exhausted_ = true;
  else
    ++reductions_;
}

}  // namespace dgen::train

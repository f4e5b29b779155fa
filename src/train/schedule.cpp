#include "train/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dgen/error.hpp"

namespace dgen::train {

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

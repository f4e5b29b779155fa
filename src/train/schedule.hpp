// The step size of `dgen train` over a run (docs/TRAINING.md, "Step sizes"): a linear
// warm-up, then the full rate until the best loss stops improving, then halved at every
// plateau; the run stops early once it has been halved `max_reductions` times.
//
// Why: Adam's first steps move every coordinate by about the learning rate whatever the
// gradient's size, so a full-size first step throws a param out of its basin before the
// moments know anything (a sine at 220 Hz jumped to 287 Hz). Halving on a plateau lets
// the run settle into a minimum it keeps circling, and a run that no longer improves
// costs nothing more.
#pragma once
#include <cstddef>
#include <vector>

namespace dgen::train {

// Each trained param's step relative to the schedule's (docs/TRAINING.md, "Step sizes per
// param"): its spread (the search's CMA-ES standard deviation along it, train/search.hpp)
// over the largest, at least kMinStepScale; all 1 without a spread (no search, or none of
// CMA-ES's). Why: Adam moves every coordinate by about the step size whatever its
// gradient, and a step that suits a soft param (a decay) throws a stiff one (a pitch) out
// of the bottom of its basin, so the schedule halves the rate until the soft one hardly
// moves; CMA-ES's distribution has learnt each basin's width, about 1/√(curvature).
std::vector<double> step_scales(const std::vector<double>& spread, size_t params);

// The smallest step scale: a param CMA-ES pinned down still moves (a thousandth of the
// rate: 2·10⁻⁵ of its range at the default lr).
inline constexpr double kMinStepScale = 1e-3;

struct ScheduleOptions {
  double lr = 0.02;        // the full step size, in unit coordinates
  int warmup = 10;         // epochs of the linear ramp from lr / warmup up to lr
  int patience = 10;       // epochs without a new best loss before the rate halves
  int max_reductions = 5;  // halvings before the run stops (lr / 32 is the last rate)
  // A new best must beat the old one by this fraction of it to count as progress.
  double min_improvement = 1e-4;
};

class StepSchedule {
 public:
  explicit StepSchedule(const ScheduleOptions& options);

  // The step size for epoch `epoch` (1-based).
  double lr(int epoch) const;
  // Records an epoch's best loss so far (finite or not); halves the rate after
  // `patience` epochs without progress.
  void observe(double best_loss);
  // Whether the rate has been halved max_reductions times and then met a plateau again.
  bool exhausted() const { return exhausted_; }
  int reductions() const { return reductions_; }

 private:
  ScheduleOptions options_;
  double reference_;  // the best loss that counted as progress
  int stale_ = 0;     // epochs since then
  int reductions_ = 0;
  bool exhausted_ = false;
};

}  // namespace dgen::train

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

namespace dgen::train {

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

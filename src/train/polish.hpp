// The polish after Adam (docs/TRAINING.md, "The polish"): limited-memory BFGS in the
// trained params' unit coordinates, with a line search whose trial steps are the lanes of
// one gradient run.
//
// Why: a fit that ends on a ridge — two params trading off, a base cutoff against an
// envelope's depth — stalls under Adam, which steps every coordinate by about the step
// size whatever the curvature, so the schedule halves the rate until it stops with the
// params still off along the ridge. A quasi-Newton step learns the ridge's direction from
// the last gradients and follows it. Each iteration evaluates `lanes` points along its
// direction at once (step lengths 2, 1, ½, … of the full step), keeps the lowest, and has
// that point's gradient from the same run, so it costs what an Adam epoch costs.
#pragma once
#include <cstddef>
#include <deque>
#include <vector>

namespace dgen::train {

using UnitPoint = std::vector<double>;

struct PolishOptions {
  int memory = 8;            // the (step, gradient change) pairs kept
  double first_step = 0.01;  // the first steepest-descent step, in unit coordinates
  // It stops once no step this long (in every unit coordinate) lowers the loss: a float
  // param's resolution is ~1e-7 of its value. After two iterations without a lower loss
  // it forgets its pairs (their curvature may be stale) and steps down the gradient again,
  // by half the last step that lowered the loss.
  double min_step = 1e-6;
};

class Polish {
 public:
  Polish(UnitPoint start, PolishOptions options = {});

  // The points to evaluate next, one per lane, each within [0, 1] in every coordinate.
  // The first call asks for the start (its loss and gradient); later ones are trial
  // steps along the search direction, longest first.
  std::vector<UnitPoint> trials(int lanes);
  // The losses and unit-coordinate gradients at the points trials() gave (non-finite
  // losses are passed over). False once it has stopped: no trial step longer than
  // min_step lowers the loss.
  bool observe(const std::vector<double>& losses, const std::vector<UnitPoint>& grads);

  const UnitPoint& point() const { return x_; }
  double loss() const { return f_; }
  bool stopped() const { return stopped_; }
  // The length of the last step taken (its largest coordinate; 0 when the last trials
  // lowered nothing).
  double last_step() const { return last_step_; }

 private:
  UnitPoint direction() const;
  UnitPoint steepest_descent() const;
  UnitPoint step_to(size_t trial) const;  // from the point to a trial

  PolishOptions options_;
  UnitPoint x_, g_;
  double f_ = 0;
  bool started_ = false, stopped_ = false;
  std::deque<std::pair<UnitPoint, UnitPoint>> pairs_;  // (s, y), newest last
  UnitPoint d_;                                        // this iteration's direction
  std::vector<double> alphas_;                         // and its trial step lengths
  std::vector<UnitPoint> tried_;                       // the trials' points
  double alpha0_ = 1;                                  // the full step's length
  // The steepest-descent step's length: first_step, then the last accepted step's (its
  // largest coordinate).
  double sd_step_;
  double last_step_ = 0;
  int failures_ = 0;
};

}  // namespace dgen::train

// The training loop of `dgen train` (SPEC §5, §7): fits bounded params so that a signal
// matches a target, with Adam (or SGD) in unit coordinates (train/coords.hpp) under a
// step schedule (train/schedule.hpp: warm-up, halving on plateaus, early stop) and, with
// lanes > 1, B restarts trained at once in the lanes of one program — lane 0 from the
// seed values, the others from random points — keeping the best params any lane reached.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dgen/param.hpp"
#include "dgen/program.hpp"
#include "train/coords.hpp"
#include "train/loss_spec.hpp"
#include "train/schedule.hpp"
#include "train/search.hpp"

namespace dgen::train {

struct TrainProblem {
  Value output;                      // the fitted signal (a patch's out on channel 1)
  std::vector<float> target;         // the run is as long as the target
  std::vector<InputChannel> inputs;  // host audio the output reads

  LossSpec loss;
  // The params to train, each with finite min < max; their current values are the seed.
  // Those the loss has no gradient for are left out (TrainResult::cannot_learn).
  std::vector<Param> params;
};

struct TrainConfig {
  int epochs = 300;                // at most: the run stops early once the schedule is exhausted
  std::string optimizer = "adam";  // adam | sgd
  // The step size in unit coordinates (a step moves about lr of a range), its warm-up and
  // its halving on plateaus. Every step is also clipped to the current lr per coordinate.
  ScheduleOptions schedule;
  int lanes = 1;
  // The run's one seed: of the random restarts in lanes 1..B-1 and of the search (it
  // replaces search.seed, so that `dgen train --seed` moves both).
  uint32_t seed = 1;
  // The global search before the gradient stage (train/search.hpp); when it runs, the
  // gradient stage has max(lanes, search.keep) lanes, started at the best points found.
  SearchOptions search;
  // Whether each param's step follows the search's spread along it (train/schedule.hpp,
  // step_scales); false: every unit coordinate steps alike.
  bool steps_per_param = true;
  // The most quasi-Newton steps after Adam's (train/polish.hpp; 0: none). They follow the
  // ridges Adam stalls on; each costs what an epoch costs. None when epochs is 0.
  int polish = 100;
  RenderOptions render;
};

struct TrainedParam {
  Param param;
  UnitCoordinate coordinate;
  std::vector<float> from, to;  // the seed and the best values
};

// A lane whose loss or gradient was not finite this epoch: it took no step, went back
// to where its loss was last finite, and its step size was halved (docs/TRAINING.md,
// "Non-finite losses").
struct SkippedStep {
  int lane = 0;
  std::string reason;     // "the loss is nan", "the gradient of 'gain' is inf", ...
  double step_scale = 1;  // the lane's step size from now on, relative to --lr
};

// A param left untrained because the loss has no gradient for it.
struct UnlearnableParam {
  Param param;
  std::string reason;  // "the loss does not read it", "every path ... ('lt')"
};

// One epoch: the loss of every lane at the params it started from (before its step).
struct EpochReport {
  int epoch = 0;  // 1-based, the polish's steps numbered on from the optimizer's
  // "optimizer" (Adam's or SGD's steps) or "polish" (train/polish.hpp).
  std::string stage = "optimizer";
  // The step size of this epoch's step; in the polish, the length of the step it took
  // (its largest unit coordinate; 0 when no trial lowered the loss).
  double lr = 0;
  std::vector<double> lane_losses;
  int lane = 0;                                 // the lane with the lowest loss this epoch
  std::vector<std::vector<float>> values;       // that lane's values, per trained param
  double best_loss = 0;                         // the lowest loss so far, any lane, any epoch
  std::vector<std::vector<float>> best_values;  // where it was reached, per trained param
  std::vector<SkippedStep> skipped;
  // The output of `lane` at `values`, valid during the on_epoch callback (the job's
  // preview renders).
  std::function<std::vector<float>()> audio;
};

struct TrainResult {
  std::vector<TrainedParam> params;
  std::string search = "none";  // the search that ran (auto resolved)
  SearchResult found;           // its result, when one ran
  std::vector<UnlearnableParam> cannot_learn;
  int epochs_run = 0;          // epochs (steps) taken, the polish's included
  int polish_steps = 0;        // of which the polish took
  bool stopped_early = false;  // the loss stopped improving (docs/TRAINING.md)
  double initial_loss = 0;     // lane 0 at the seed
  double final_loss = 0;       // at the best params
  int best_lane = 0;
  std::vector<double> step_scales;  // per trained param, relative to the schedule's step
  std::vector<double> loss_curve;   // the lowest lane loss of every epoch, then after the last step
  std::vector<float> seed_audio, final_audio;  // the output at the seed and at the best params
  double seconds = 0;
  Backend backend = Backend::Interp;
};

// What a run will do, known once the problem is checked and compiled.
struct TrainPlan {
  const std::vector<TrainedParam>& params;
  const std::vector<UnlearnableParam>& cannot_learn;
  Backend backend;
  const std::string& search;  // the search that will run (auto resolved)
};

struct TrainCallbacks {
  std::function<void(const TrainPlan&)> on_start;        // before the first epoch
  std::function<void(const EpochReport&)> on_epoch;      // after each epoch's step
  std::function<void(const SearchProgress&)> on_search;  // after each forward run of the search
  // After the search: where the gradient stage starts.
  std::function<void(const SearchResult&)> on_search_done;
};

// Runs the loop. On return every trained param holds its best values (shared by all
// lanes again). Throws dgen::Error for params without usable bounds, tensor params with
// lanes > 1, an empty target, or when no param can learn.
TrainResult train(const TrainProblem& problem, const TrainConfig& config,
                  const TrainCallbacks& callbacks = {});

}  // namespace dgen::train

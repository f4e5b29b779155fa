// A training job (SPEC §7 `dgen train`): runs the loop, reports NDJSON events and a
// progress bar, and fills the job directory:
//   params.json  best params so far (at every checkpoint), then the final ones
//   fitted.lisp  the patch with the final values as its defaults (when the caller can write it)
//   target.wav   the target as compared     seed.wav  the output at the seed params
//   final.wav    at the final params        ab.wav    the target, a pause, then final.wav
//   previews/epoch-N.wav  the output at every checkpoint
//   result.json  initial/final loss, improvement, per-param from/to, seconds, ...
//   report.html  loss curve, waveforms, spectrograms, players (train/report.hpp)
// Every file is written under a temporary name and renamed, so none is ever partial.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "train/events.hpp"
#include "train/trainer.hpp"

namespace dgen::train {

// A param of the patch that is not trained, and why ("--freeze", "@trainable false",
// "held by --set", "has no @min/@max", "not named by --train").
struct FrozenParam {
  std::string name;
  std::vector<float> values;
  bool scalar = true;
  std::string reason;
};

struct JobSpec {
  std::string dir;
  std::string patch, target;        // names for the report and result.json
  int checkpoint_every = 10;        // epochs between params.json checkpoints
  std::vector<FrozenParam> frozen;  // for the plan, the terminal and result.json
  std::string command;  // the command line that reproduces the run (result.json, the report)
  // The text of fitted.lisp, called once training is done (the trained params then hold
  // their final values); no fitted.lisp when empty.
  std::function<std::string()> fitted_patch;
};

// Runs the job; `bar` may be disabled. Errors propagate as exceptions after nothing
// partial was left behind (the caller reports them, e.g. as an `error` event).
TrainResult run_job(const TrainProblem& problem, const TrainConfig& config, const JobSpec& job,
                    EventWriter& events, ProgressBar& bar);

// The contents of result.json.
Json result_json(const TrainResult& result, const TrainProblem& problem, const TrainConfig& config,
                 const JobSpec& job);

// What the terminal shows before the first epoch: which params are trained, frozen, or
// cannot learn (and why), and the search's budget; and after the last: the improvement
// and where the files are.
std::string plan_text(const TrainPlan& plan, const JobSpec& job, const SearchOptions& search);
std::string search_text(const SearchResult& found);
std::string summary_text(const TrainResult& result, const Json& summary, const JobSpec& job);

// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace dgen::train

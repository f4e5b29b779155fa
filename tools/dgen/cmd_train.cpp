// dgen train PATCH --target T.wav --job-dir DIR: fits the patch's bounded params to the
// target (SPEC §7). NDJSON events on stdout, a progress bar on stderr when it is a
// terminal, and the job directory of train/job.hpp.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "command.hpp"
#include "dgen/error.hpp"
#include "fitted_patch.hpp"
#include "output_dir.hpp"
#include "pitch_prior.hpp"
#include "target_options.hpp"
#include "train/job.hpp"
#include "train_selection.hpp"

namespace dgen::cli {
namespace {

struct TrainArgs {
  std::string patch, job_dir, backend = "auto";
  bool fast_math = false;
  ParamSettings seed;  // --seed-params
  TrainSelection selection;
  StreamOptions stream;
  TargetOptions target;
  train::TrainConfig config;
  int checkpoint_every = 10;
  std::string pitch_prior = "on";
};

int train_job(TrainArgs& args, train::EventWriter& events) {
  lisp::Patch patch = lisp::load_patch_file(args.patch);
  apply_params(args.seed, patch);
  SelectedParams selected = select_params(patch, args.selection);
  const TargetRun run = resolve_target_run(args.target, args.stream, patch);
  if (args.pitch_prior == "on")
    std::cerr << seed_pitch_from_target(patch, selected.trained, run.target, run.stream.sample_rate,
                                        args.config.search);
  const train::TrainProblem problem{run.output, run.target, run.stream.channels(), run.loss,
                                    std::move(selected.trained)};
  args.config.render.sample_rate = run.stream.sample_rate;
  args.config.render.backend = parse_backend(args.backend, args.config.lanes);
  args.config.render.fast_math = args.fast_math;
  train::JobSpec job{args.job_dir,
                     args.patch,
                     args.target.path,
                     args.checkpoint_every,
                     std::move(selected.frozen),
                     shell_command_line(),
                     {}};
  job.fitted_patch = [&] { return fitted_patch_text(args.patch, patch, job.command); };
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const int polish = args.config.epochs > 0 ? args.config.polish : 0;
  train::ProgressBar bar(std::cerr, terminal, args.config.epochs + polish);
  if (terminal && ::isatty(STDOUT_FILENO) == 1) events.share_terminal_with(bar);
  const OutputDir created(args.job_dir);  // removed again if training fails before writing
  train::run_job(problem, args.config, job, events, bar);
  return kExitOk;
}

int train(TrainArgs& args) {
  train::EventWriter events(std::cout);
  try {
    return train_job(args, events);
  } catch (const std::exception& e) {
    events.write("error", {{"message", e.what()}});
    throw;  // main reports it on stderr and picks the exit code
  }
}

void add_selection_options(CLI::App& app, TrainSelection& selection) {
  app.add_option("--train", selection.train, "Train only these params (--train a b or a,b)")
      ->type_name("NAME")
      ->delimiter(',');
  app.add_option("--freeze", selection.freeze, "Hold these params at their seed values")
      ->type_name("NAME")
      ->delimiter(',');
  add_set_option(app, selection.sets,
                 "Hold a param at a value while training, e.g. --set tempo=120");
}

void add_search_options(CLI::App& app, train::SearchOptions& search) {
  app.add_option("--search", search.method,
                 "Global search before the gradient stage: none | halton | cmaes | auto (cmaes "
                 "when every trained param is scalar)")
      ->check(CLI::IsMember({"none", "halton", "cmaes", "auto"}))
      ->default_str("auto");
  app.add_option("--search-budget", search.budget,
                 "Candidates the search renders at most (0: 4096 per trained param, at "
                 "most 16384 but at least 256 times the params squared)")
      ->check(at_least(0, true))
      ->default_str("0");
  app.add_option("--search-seconds", search.seconds,
                 "Wall-time limit of the search in seconds (0: none)")
      ->check(at_least(0, true))
      ->default_str("0");
  app.add_option("--search-radius", search.radius,
                 "Half-width of the search box around the seed in each param's [0, 1] "
                 "coordinate (0.5: the whole range)")
      ->check(at_least(0, false))
      ->default_str("0.25");
}

}  // namespace

Command train_command() {
  return {"train", "Fit a patch's bounded params to a target sound", [](CLI::App& app) -> Action {
            auto args = std::make_shared<TrainArgs>();
            app.add_option("patch", args->patch, "The patch (.lisp)")->required();
            add_target_options(app, args->target);
            app.add_option("--job-dir", args->job_dir,
                           "Where params.json, seed.wav, final.wav, result.json and report.html go")
                ->type_name("DIR")
                ->required();
            app.add_option("--seed-params", args->seed.file,
                           "Start from these param values: {\"params\": {\"name\": value}}")
                ->type_name("FILE.json");
            add_selection_options(app, args->selection);
            app.add_option("--epochs", args->config.epochs,
                           "Most optimiser steps (the run stops early when the loss stops "
                           "improving)")
                ->check(at_least(0, true))
                ->default_str("300");
            app.add_option("--optimizer", args->config.optimizer, "adam | sgd")
                ->check(CLI::IsMember({"adam", "sgd"}))
                ->default_str("adam");
            app.add_option("--polish", args->config.polish,
                           "Most quasi-Newton steps after the optimiser's (L-BFGS with its "
                           "line search in the lanes; 0: none)")
                ->check(at_least(0, true))
                ->default_str("100");
            app.add_option("--lr", args->config.schedule.lr,
                           "Step size in each param's [0, 1] coordinate, after a warm-up; "
                           "halved when the loss stops improving")
                ->check(at_least(0, false))
                ->default_str("0.02");
            app.add_option("--lanes", args->config.lanes,
                           "Random restarts trained at once (lane 0 starts from the seed); the "
                           "best is kept")
                ->check(at_least(1, true))
                ->default_str("1");
            app.add_option("--seed", args->config.seed,
                           "Seed of the random restarts and of the search")
                ->default_str("1");
            add_search_options(app, args->config.search);
            app.add_option("--pitch-prior", args->pitch_prior,
                           "on: a trained @note pitch param at its default starts at the "
                           "target's fundamental and is searched within a semitone of it")
                ->check(CLI::IsMember({"on", "off"}))
                ->default_str("on");
            app.add_option("--checkpoint-every", args->checkpoint_every,
                           "Epochs between params.json checkpoints (0: only at the end)")
                ->check(at_least(0, true))
                ->default_str("10");
            add_stream_options(app, args->stream);
            add_backend_option(app, args->backend);
            add_fast_math_option(app, args->fast_math);
            return [args] { return train(*args); };
          }};
}

}  // namespace dgen::cli

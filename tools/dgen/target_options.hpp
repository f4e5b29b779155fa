// What `dgen grad` and `dgen train` share: the target recording (--target, --resample),
// the loss (--loss), and the run they imply — the patch's channel 1 compared with the
// target, at the target's rate and length unless --sample-rate / --frames say otherwise.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "lisp/patch.hpp"
#include "run_options.hpp"
#include "train/loss_spec.hpp"

namespace dgen::cli {

struct TargetOptions {
  std::string path;
  std::string loss;       // empty: chosen from the target (train::default_loss)
  std::string normalize;  // "", "peak" or "loudness"
  bool resample = false;
};
void add_target_options(CLI::App& app, TargetOptions& options);

struct TargetRun {
  Stream stream;              // the run: rate, length, the patch's inputs
  std::vector<float> target;  // mono, at the run's rate, stream.frames long
  train::LossSpec loss;
  Value output;  // the patch's out on channel 1
};

// Reads the target (mixed to mono). The run's rate is --sample-rate, else the target's;
// a target at another rate is an error unless --resample. The length is --frames or
// --seconds, else the target's; the target is cut or padded with zeros to it. A loss
// that compares no window of that length is an error; mrstft sizes longer than it are
// left out with a warning on stderr. `--normalize` scales the target; `--in CH=pitch`
// (gate, velocity, loudness) feeds channel CH from the analysis of the (normalised)
// target (train/target_analysis.hpp).
TargetRun resolve_target_run(const TargetOptions& target, StreamOptions& stream,
                             const lisp::Patch& patch);

}  // namespace dgen::cli

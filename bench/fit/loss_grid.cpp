// loss_grid: a fit's loss over a grid of two params, the other params held — to see why a
// fit missed (docs/TRAINING.md, "Recovering hidden params": how wide a basin is, whether
// it shows along one param when another is off). Each row of the grid is one forward run
// whose lanes are the row's values of X.
//
//   loss_grid PATCH TARGET LOSS X=LO:HI:N Y=LO:HI:N [NAME=VALUE ...] [CH@FILE ...]
//
// LOSS is a --loss spec of `dgen train` (mrstft, mrstft:low, ...); NAME=VALUE sets a param
// (as --set); CH@FILE feeds FILE to input channel CH, cut or padded with silence to the
// target's length (as --in CH=FILE). Prints CSV: a header of X's values, then one line per
// value of Y with the loss (summed over frames, as `dgen train` reports it) at each X.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dgen/dgen.hpp"
#include "dgen/patch.hpp"
#include "io/audio_file.hpp"
#include "train/loss_spec.hpp"

namespace {

struct Axis {
  std::string name;
  double lo = 0, hi = 0;
  int n = 0;
  double at(int i) const { return n > 1 ? lo + (hi - lo) * i / (n - 1) : lo; }
};

Axis parse_axis(const std::string& text) {
  Axis a;
  char name[256];
  if (std::sscanf(text.c_str(), "%255[^=]=%lf:%lf:%d", name, &a.lo, &a.hi, &a.n) != 4 || a.n < 1 ||
      a.n > 4096)
    throw dgen::Error("an axis is NAME=LO:HI:N with 1 <= N <= 4096, got '" + text + "'");
  a.name = name;
  return a;
}

dgen::Param find_param(const std::map<std::string, dgen::Param>& params, const std::string& name) {
  const auto it = params.find(name);
  if (it == params.end()) throw dgen::Error("the patch has no param '" + name + "'");
  return it->second;
}

int run(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: loss_grid PATCH TARGET LOSS X=LO:HI:N Y=LO:HI:N [NAME=VALUE ...] "
                 "[CH@FILE ...]\n");
    return 2;
  }
  dgen::lisp::Patch patch = dgen::lisp::load_patch_file(argv[1]);
  if (patch.outputs.empty()) throw dgen::Error("the patch has no output");
  const dgen::io::MonoAudio target = dgen::io::read_mono(argv[2]);
  // The run at the target's rate, as `dgen train` runs it (the loss's windows scale with it).
  dgen::train::LossSpec spec = dgen::train::parse_loss_spec(argv[3]);
  spec.sample_rate = target.sample_rate;
  const Axis x = parse_axis(argv[4]), y = parse_axis(argv[5]);
  std::map<std::string, dgen::Param> params;
  for (const dgen::lisp::ParamInfo& p : patch.params) params.emplace(p.param.name(), p.param);
  std::list<std::vector<float>> feeds;  // the inputs' samples, which InputChannel only views
  std::vector<dgen::InputChannel> inputs;
  for (int i = 6; i < argc; ++i) {
    const std::string arg = argv[i];
    if (const size_t at = arg.find('@'); at != std::string::npos) {
      dgen::io::MonoAudio feed = dgen::io::read_mono(arg.substr(at + 1));
      if (feed.sample_rate != target.sample_rate)
        throw dgen::Error(arg.substr(at + 1) + " is at " + std::to_string(feed.sample_rate) +
                          " Hz, the target at " + std::to_string(target.sample_rate) + " Hz");
      feeds.push_back(std::move(feed.samples));
      feeds.back().resize(target.samples.size());
      inputs.push_back({std::atoi(arg.substr(0, at).c_str()), feeds.back()});
    } else if (const size_t eq = arg.find('='); eq != std::string::npos) {
      find_param(params, arg.substr(0, eq)).set(std::strtof(arg.c_str() + eq + 1, nullptr));
    } else {
      throw dgen::Error("expected NAME=VALUE or CH@FILE, got '" + arg + "'");
    }
  }
  const dgen::train::TargetLoss loss =
      dgen::train::loss_against_target(spec, patch.outputs[0], target.samples, inputs);
  dgen::RenderOptions options;
  options.lanes = x.n;
  options.sample_rate = target.sample_rate;
  dgen::Program program({loss.loss}, options);
  dgen::Param px = find_param(params, x.name), py = find_param(params, y.name);
  std::vector<float> xs;
  std::printf("%s\\%s", y.name.c_str(), x.name.c_str());
  for (int i = 0; i < x.n; ++i) {
    xs.push_back(float(x.at(i)));
    std::printf(",%.6g", x.at(i));
  }
  std::printf("\n");
  px.set_per_lane(xs);
  const auto frames = int64_t(target.samples.size());
  for (int j = 0; j < y.n; ++j) {
    py.set_per_lane(std::vector<float>(size_t(x.n), float(y.at(j))));
    program.run(frames, loss.inputs);
    const std::span<const float> out = program.output(0);
    std::printf("%.6g", y.at(j));
    for (int i = 0; i < x.n; ++i) {
      double sum = 0;
      for (int64_t t = 0; t < frames; ++t) sum += out[size_t(t) * size_t(x.n) + size_t(i)];
      std::printf(",%.5g", sum);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loss_grid: %s\n", e.what());
    return 1;
  }
}

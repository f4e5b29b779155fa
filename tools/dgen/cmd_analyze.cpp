// dgen analyze T.wav: what the target analysis of `dgen train --in CH=pitch|gate|...`
// finds in a recording: its level, fundamental and notes (docs/TRAINING.md "Target
// analysis"), as text or as one JSON object.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "io/audio_file.hpp"
#include "run_options.hpp"
#include "train/events.hpp"
#include "train/target_analysis.hpp"

namespace dgen::cli {
namespace {

struct AnalyzeArgs {
  std::string path;
  bool json = false;
  train::AnalysisOptions options;
};

train::Json analysis_json(const train::TargetAnalysis& a) {
  train::Json notes = train::Json::array();
  for (const train::Note& n : a.notes)
    notes.push_back({{"on", n.on},
                     {"off", n.off},
                     {"on_seconds", double(n.on) / a.sample_rate},
                     {"off_seconds", double(n.off) / a.sample_rate},
                     {"f0", n.f0},
                     {"peak", n.peak}});
  size_t voiced = 0;
  for (double f : a.f0) voiced += f > 0;
  return {{"sample_rate", a.sample_rate},
          {"frames", a.frames},
          {"peak", a.peak},
          {"rms_db", a.rms_db},
          {"f0", a.f0_median},
          {"voiced_fraction", a.f0.empty() ? 0.0 : double(voiced) / double(a.f0.size())},
          {"notes", notes}};
}

int analyze(const AnalyzeArgs& args) {
  const io::MonoAudio audio = io::read_mono(args.path);
  const train::TargetAnalysis a =
      train::analyze_target(audio.samples, audio.sample_rate, args.options);
  if (args.json)
    std::cout << train::dump_json(analysis_json(a)) << "\n";
  else
    std::cout << args.path << ": " << train::describe_analysis(a);
  return kExitOk;
}

}  // namespace

Command analyze_command() {
  return {"analyze", "Print the level, fundamental and notes found in a recording",
          [](CLI::App& app) -> Action {
            auto args = std::make_shared<AnalyzeArgs>();
            app.add_option("target", args->path, "The recording (mixed to mono)")->required();
            app.add_flag("--json", args->json, "Print one JSON object instead of text");
            app.add_option("--fmin", args->options.fmin, "Lowest fundamental searched, Hz")
                ->check(at_least(0, false))
                ->default_str("40");
            app.add_option("--fmax", args->options.fmax, "Highest fundamental searched, Hz")
                ->check(at_least(0, false))
                ->default_str("2000");
            return [args] { return analyze(*args); };
          }};
}

}  // namespace dgen::cli

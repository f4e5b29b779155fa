#include "target_options.hpp"

#include <iostream>

#include "dgen/error.hpp"
#include "io/audio_file.hpp"
#include "train/resample.hpp"

namespace dgen::cli {

void add_target_options(CLI::App& app, TargetOptions& options) {
  app.add_option("--target", options.path, "The target sound (an audio file, mixed to mono)")
      ->type_name("T.wav")
      ->required();
  app.add_option("--loss", options.loss,
                 "mse | l1 | mrstft (multi-resolution STFT) | spectral:N[:HOP] (one STFT size)")
      ->default_str("mrstft")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            try {
              train::parse_loss_spec(text);
              return "";
            } catch (const Error& e) {
              return e.what();
            }
          },
          ""));
  app.add_flag("--resample", options.resample,
               "Resample a target whose rate differs from the run's (otherwise an error)");
}

namespace {

Value channel_one(const lisp::Patch& patch) {
  for (size_t k = 0; k < patch.output_ports.size(); ++k) {
    if (patch.output_ports[k].channel != 1) continue;
    if (!patch.outputs[k].shape().empty())
      throw Error("out channel 1 has shape " + to_string(patch.outputs[k].shape()) +
                  "; the loss compares a scalar signal with the target");
    return patch.outputs[k];
  }
  throw Error("the patch has no out on channel 1 to compare with the target");
}

}  // namespace

TargetRun resolve_target_run(const TargetOptions& target, StreamOptions& stream,
                             const lisp::Patch& patch) {
  TargetRun run{{}, {}, train::parse_loss_spec(target.loss), channel_one(patch)};
  io::MonoAudio audio = io::read_mono(target.path);
  const int rate = stream.rate_option->count() ? stream.sample_rate : audio.sample_rate;
  if (audio.sample_rate != rate) {
    if (!target.resample)
      throw Error("the target " + target.path + " has sample rate " +
                  std::to_string(audio.sample_rate) + " Hz but the run is at " +
                  std::to_string(rate) + " Hz (add --resample to convert it)");
    audio.samples = train::resample(audio.samples, audio.sample_rate, rate);
  }
  stream.default_sample_rate = rate;
  stream.default_frames = int64_t(audio.samples.size());
  run.stream = resolve_stream(stream, patch);
  run.target = std::move(audio.samples);
  run.target.resize(size_t(run.stream.frames), 0.0f);
  if (run.stream.frames == 0) throw Error("the run is empty: the target has no samples");
  const std::string warning =
      train::check_loss_fits(run.loss, run.stream.frames, run.stream.sample_rate);
  if (!warning.empty()) std::cerr << "dgen: warning: " << warning << "\n";
  return run;
}

}  // namespace dgen::cli

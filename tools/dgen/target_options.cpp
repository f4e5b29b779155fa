#include "target_options.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>

#include "command.hpp"
#include "dgen/error.hpp"
#include "io/audio_file.hpp"
#include "train/resample.hpp"
#include "train/target_analysis.hpp"

namespace dgen::cli {

void add_target_options(CLI::App& app, TargetOptions& options) {
  app.add_option("--target", options.path, "The target sound (an audio file, mixed to mono)")
      ->type_name("T.wav")
      ->required();
  app.add_option("--loss", options.loss,
                 "mse | l1 | mrstft[:low|:short] (multi-resolution STFT) | spectral:N[:HOP] (one "
                 "STFT size) | logmel[:N[:HOP]] | loudness[:N[:HOP]], or a weighted sum such as "
                 "mrstft+0.1*loudness")
      ->default_str("mrstft, or mrstft:low for a target pitched below 86 Hz")
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
  app.add_option("--normalize", options.normalize,
                 "Scale the target: peak (to a peak of 1) or loudness (to -20 dBFS RMS in its "
                 "notes)")
      ->check(CLI::IsMember({"peak", "loudness"}));
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

// The `--in CH=NAME` whose NAME is a feature of the target (pitch, gate, velocity,
// loudness), taken out of `inputs`: they are not files.
std::vector<std::pair<int, std::string>> take_feature_inputs(std::vector<std::string>& inputs) {
  std::vector<std::pair<int, std::string>> features;
  std::vector<std::string> rest;
  for (const std::string& spec : inputs) {
    const size_t eq = spec.find('=');
    const std::string name = eq == std::string::npos ? "" : spec.substr(eq + 1);
    int channel = 0;
    const char* end = spec.data() + eq;
    const auto [ptr, ec] = std::from_chars(spec.data(), end, channel);
    if (!train::is_feature_name(name) || ec != std::errc() || ptr != end || channel < 1) {
      rest.push_back(spec);
      continue;
    }
    features.emplace_back(channel, name);
  }
  inputs = std::move(rest);
  return features;
}

// Feeds each feature's channel from the analysis of the target.
void add_feature_inputs(const std::vector<std::pair<int, std::string>>& features,
                        const std::vector<float>& target, const lisp::Patch& patch,
                        Stream& stream) {
  if (features.empty()) return;
  const train::TargetAnalysis analysis = train::analyze_target(target, stream.sample_rate);
  for (const auto& [channel, name] : features) {
    const std::string spec = "--in " + std::to_string(channel) + "=" + name;
    if (stream.inputs.count(channel))
      throw UsageError("--in: channel " + std::to_string(channel) + " given twice");
    bool used = false;
    for (const auto& port : patch.input_ports) used |= port.channel == channel;
    if (!used) throw Error(spec + ": the patch has no input channel " + std::to_string(channel));
    stream.inputs[channel].samples = train::feature_signal(analysis, name);
  }
}

// The loss when --loss is not given (train::default_loss), from the analysis of the
// target's first 10 s (enough to know its pitch; a long target's whole analysis would cost
// seconds). Says so on stderr when it is not plain mrstft (DefaultLoss::why).
train::LossSpec default_loss(std::span<const float> target, double sample_rate) {
  const size_t first = std::min(target.size(), size_t(10 * sample_rate));
  const train::DefaultLoss chosen =
      train::default_loss(train::analyze_target(target.first(first), sample_rate));
  if (!chosen.why.empty()) std::cerr << "dgen: loss: " << chosen.why << "\n";
  return chosen.spec;
}

}  // namespace

TargetRun resolve_target_run(const TargetOptions& target, StreamOptions& stream,
                             const lisp::Patch& patch) {
  // Found before `run` is built: an exception thrown inside the aggregate initialisation
  // would have GCC destroy its finished members twice.
  Value output = channel_one(patch);
  TargetRun run{{}, {}, {}, std::move(output)};
  if (!target.loss.empty()) run.loss = train::parse_loss_spec(target.loss);
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
  const auto features = take_feature_inputs(stream.inputs);
  run.stream = resolve_stream(stream, patch);
  run.target = std::move(audio.samples);
  run.target.resize(size_t(run.stream.frames), 0.0f);
  if (run.stream.frames == 0) throw Error("the run is empty: the target has no samples");
  if (!target.normalize.empty())
    train::normalize_target(run.target, run.stream.sample_rate, target.normalize);
  add_feature_inputs(features, run.target, patch, run.stream);
  if (target.loss.empty()) run.loss = default_loss(run.target, run.stream.sample_rate);
  run.loss.sample_rate = run.stream.sample_rate;
  const std::string warning = train::check_loss_fits(run.loss, run.stream.frames);
  if (!warning.empty()) std::cerr << "dgen: warning: " << warning << "\n";
  return run;
}

}  // namespace dgen::cli

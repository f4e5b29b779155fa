#include "run_options.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "command.hpp"
#include "dgen/error.hpp"
#include "io/audio_file.hpp"
#include "ir/format_number.hpp"
#include "runtime/backends.hpp"

namespace dgen::cli {
namespace {

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

// A float param value: finite as a double and within float's range (1e40 would become
// infinity and every sample after it non-finite).
std::optional<float> as_float(double value) {
  if (std::abs(value) > double(std::numeric_limits<float>::max())) return std::nullopt;
  return float(value);
}

}  // namespace

CLI::Validator at_least(double min, bool inclusive) {
  char bound[32];
  std::snprintf(bound, sizeof bound, "%g", min);
  const std::string what = std::string(inclusive ? ">= " : "> ") + bound;
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const auto v = parse_number(text);
        if (v && (inclusive ? *v >= min : *v > min)) return "";
        return "must be a number " + what + ", got '" + text + "'";
      },
      "");
}

// Whole doubles are exact up to 2^53 frames (6500 years at 44.1 kHz).
constexpr double kMaxFrames = 9007199254740992.0;

CLI::Validator frame_count() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const auto v = parse_number(text);
        if (!v || *v < 1 || *v != std::floor(*v) || *v > kMaxFrames)
          return "must be a whole number of frames >= 1, got '" + text + "'";
        text = std::to_string(int64_t(*v));  // CLI11 reads integers only in plain digits
        return "";
      },
      "");
}

lisp::ParamInfo& find_param(lisp::Patch& patch, const std::string& name) {
  std::string names;
  for (lisp::ParamInfo& p : patch.params) {
    if (p.param.name() == name) return p;
    names += (names.empty() ? "" : ", ") + p.param.name();
  }
  throw Error("the patch has no param named '" + name + "' (" +
              (names.empty() ? "it has no params" : "its params: " + names) + ")");
}

namespace {

void flatten_numbers(const nlohmann::json& j, const std::string& name, std::vector<float>& out) {
  if (j.is_number()) {
    const auto value = as_float(j.get<double>());
    if (!value) throw Error("param '" + name + "': " + j.dump() + " is out of float's range");
    return out.push_back(*value);
  }
  if (!j.is_array()) throw Error("param '" + name + "': expected a number or an array of numbers");
  for (const auto& item : j) flatten_numbers(item, name, out);
}

std::string channel_list(const std::vector<lisp::PortInfo>& ports) {
  std::string out;
  for (const auto& p : ports) out += (out.empty() ? "" : ", ") + std::to_string(p.channel);
  return out;
}

}  // namespace

void add_set_option(CLI::App& app, std::vector<std::string>& sets, const std::string& help) {
  app.add_option("--set", sets, help)->type_name("NAME=VALUE")->allow_extra_args(false);
}

void add_param_options(CLI::App& app, ParamSettings& settings) {
  add_set_option(app, settings.sets,
                 "Set a param, e.g. --set freq=220 (repeatable; wins over --params)");
  app.add_option("--params", settings.file,
                 "Param values from a JSON file: {\"params\": {\"name\": value}}")
      ->type_name("FILE.json");
}

std::map<std::string, std::vector<float>> read_params_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read params file " + path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("params file " + path + " is not valid JSON: " + e.what());
  }
  if (j.is_object() && j.contains("params") && j["params"].is_object()) j = j["params"];
  if (!j.is_object())
    throw Error("params file " + path + ": expected an object {\"params\": {\"name\": value}}");
  std::map<std::string, std::vector<float>> values;
  for (const auto& [name, value] : j.items()) flatten_numbers(value, name, values[name]);
  return values;
}

void apply_params(const ParamSettings& settings, lisp::Patch& patch) {
  if (!settings.file.empty())
    for (auto& [name, values] : read_params_file(settings.file))
      find_param(patch, name).param.set(std::move(values));
  for (const std::string& set : settings.sets) set_param(patch, set);
}

lisp::ParamInfo& set_param(lisp::Patch& patch, const std::string& set) {
  const size_t eq = set.find('=');
  const auto number = eq == std::string::npos ? std::nullopt : parse_number(set.substr(eq + 1));
  if (eq == 0 || !number)
    throw UsageError("--set " + set + ": expected NAME=VALUE with a finite number");
  const auto value = as_float(*number);
  if (!value) throw UsageError("--set " + set + ": the value is out of float's range (3.4e38)");
  lisp::ParamInfo& info = find_param(patch, set.substr(0, eq));
  info.param.set(*value);
  return info;
}

void add_stream_options(CLI::App& app, StreamOptions& o) {
  o.frames_option = app.add_option("--frames", o.frames, "Frames to render (e.g. 48000 or 1e6)")
                        ->transform(frame_count());
  o.seconds_option =
      app.add_option("--seconds", o.seconds, "Seconds to render")->check(at_least(0, false));
  o.frames_option->excludes(o.seconds_option);
  o.rate_option = app.add_option("--sample-rate", o.sample_rate,
                                 "Sample rate in Hz (default: the inputs', else 44100)")
                      ->check(at_least(0, false));
  app.add_option("--in", o.inputs,
                 "Host input: an audio file (mixed to mono) or a constant, e.g. --in 1=voice.wav")
      ->type_name("CH=FILE|VALUE")
      ->allow_extra_args(false);
}

void add_tail_option(CLI::App& app, StreamOptions& o) {
  o.tail_option = app.add_option("--tail", o.tail,
                                 "Seconds to go on after the longest --in file ends (inputs "
                                 "silent), for an effect's decay")
                      ->check(at_least(0, true))
                      ->excludes(o.frames_option)
                      ->excludes(o.seconds_option);
}

namespace {

int64_t frames_in(double seconds, int sample_rate, const std::string& option) {
  const double frames = std::round(seconds * sample_rate);
  if (frames > kMaxFrames)
    throw UsageError(option + ": too long, more than 2^53 frames at " +
                     std::to_string(sample_rate) + " Hz");
  return int64_t(frames);
}

}  // namespace

std::vector<InputChannel> Stream::channels() const {
  std::vector<InputChannel> out;
  for (const auto& [channel, input] : inputs) {
    if (int64_t(input.samples.size()) != frames)
      throw std::logic_error("Stream::channels() needs StreamOptions::pad_inputs");
    out.push_back({channel, input.samples});
  }
  return out;
}

std::vector<InputChannel> Stream::block(int64_t start, int64_t count,
                                        std::vector<std::vector<float>>& scratch) const {
  scratch.resize(inputs.size());
  std::vector<InputChannel> out;
  size_t k = 0;
  for (const auto& [channel, input] : inputs) {
    const std::vector<float>& samples = input.samples;
    const int64_t have = int64_t(samples.size());
    if (start + count <= have) {
      out.push_back({channel, std::span(samples).subspan(size_t(start), size_t(count))});
      continue;
    }
    std::vector<float>& copy = scratch[k++];
    copy.assign(size_t(count), input.rest);
    if (start < have) std::copy(samples.begin() + start, samples.end(), copy.begin());
    out.push_back({channel, copy});
  }
  return out;
}

Stream resolve_stream(const StreamOptions& o, const lisp::Patch& patch) {
  struct Source {
    int channel;
    std::optional<double> constant;
    std::string file;
    io::MonoAudio audio;
  };
  std::vector<Source> sources;
  std::set<int> seen;
  for (const std::string& spec : o.inputs) {
    const size_t eq = spec.find('=');
    const auto channel = eq == std::string::npos ? std::nullopt : parse_number(spec.substr(0, eq));
    if (!channel || *channel < 1 || *channel != std::floor(*channel) || eq + 1 == spec.size())
      throw UsageError("--in " + spec + ": expected CH=FILE or CH=VALUE with a channel >= 1");
    const int ch = int(*channel);
    if (!seen.insert(ch).second)
      throw UsageError("--in: channel " + std::to_string(ch) + " given twice");
    bool used = false;
    for (const auto& port : patch.input_ports) used |= port.channel == ch;
    if (!used)
      throw Error("--in " + spec + ": the patch has no input channel " + std::to_string(ch) +
                  (patch.input_ports.empty()
                       ? " (it reads no inputs)"
                       : " (its inputs: " + channel_list(patch.input_ports) + ")"));
    const std::string rest = spec.substr(eq + 1);
    sources.push_back({ch, parse_number(rest), rest, {}});
  }

  Stream stream;
  std::string rate_file;
  if (o.rate_option->count())
    stream.sample_rate = o.sample_rate;
  else if (o.default_sample_rate > 0)
    stream.sample_rate = o.default_sample_rate;
  int64_t longest = -1;
  for (Source& s : sources) {
    if (s.constant) continue;
    s.audio = io::read_mono(s.file);
    const int rate = s.audio.sample_rate;
    if (o.rate_option->count() && rate != o.sample_rate)
      throw Error(s.file + " has sample rate " + std::to_string(rate) +
                  " Hz but --sample-rate is " + std::to_string(o.sample_rate) +
                  " Hz (resampling is not supported)");
    if (!o.rate_option->count() && o.default_sample_rate > 0 && rate != o.default_sample_rate)
      throw Error(s.file + " has sample rate " + std::to_string(rate) + " Hz but the run is at " +
                  std::to_string(o.default_sample_rate) + " Hz");
    if (!rate_file.empty() && rate != stream.sample_rate)
      throw Error(s.file + " has sample rate " + std::to_string(rate) + " Hz but " + rate_file +
                  " has " + std::to_string(stream.sample_rate) + " Hz");
    stream.sample_rate = rate;
    rate_file = s.file;
    longest = std::max(longest, int64_t(s.audio.samples.size()));
  }

  // Sizes written with samplerate were planned for the patch's maximum rate
  // (docs/LANGUAGE.md, "Sizes in seconds"): a faster run would outgrow its buffers.
  if (patch.max_sample_rate > 0 && stream.sample_rate > patch.max_sample_rate)
    throw Error("the patch plans its buffers for at most " + format_number(patch.max_sample_rate) +
                " Hz and this run is at " + std::to_string(stream.sample_rate) +
                " Hz: raise (max-samplerate …) in the patch or render at a lower rate");
  const bool tail = o.tail_option && o.tail_option->count();
  if (tail && longest < 0)
    throw UsageError("--tail goes on after the longest --in file, and no --in names a file");
  if (o.frames_option->count())
    stream.frames = o.frames;
  else if (o.seconds_option->count())
    stream.frames = frames_in(o.seconds, stream.sample_rate, "--seconds");
  else if (o.default_frames >= 0)
    stream.frames = o.default_frames;
  else if (longest >= 0)
    stream.frames = longest + (tail ? frames_in(o.tail, stream.sample_rate, "--tail") : 0);
  else
    stream.frames = stream.sample_rate;

  for (Source& s : sources) {
    Stream::Input& input = stream.inputs[s.channel];
    if (s.constant) {
      input.rest = float(*s.constant);
    } else {
      input.samples = std::move(s.audio.samples);
      if (int64_t(input.samples.size()) > stream.frames)
        input.samples.resize(size_t(stream.frames));
    }
    if (o.pad_inputs) input.samples.resize(size_t(stream.frames), input.rest);
  }
  return stream;
}

void add_backend_option(CLI::App& app, std::string& backend) {
  std::string names;
  for (const std::string& name : backend_choices()) names += (names.empty() ? "" : ", ") + name;
  app.add_option(
         "--backend", backend,
         "Where to run: " + names +
             " (auto: cuda for wide work where a GPU is found, else c if a compiler is found, "
             "else interp)")
      ->check(CLI::IsMember(backend_choices()))
      ->default_str("auto");
}

void add_fast_math_option(CLI::App& app, bool& fast_math) {
  app.add_flag("--fast-math", fast_math,
               "On cuda: the GPU's fast sine, cosine, exp, log and division (faster, less "
               "accurate; the c backend is always compiled with -ffast-math)");
}

// The backend a command of `lanes` lanes runs on, resolved: an unavailable one is an error
// (exit 1) naming why, before any work (docs/CLI.md, "Backends").
Backend parse_backend(const std::string& name, int lanes) {
  return resolve_backend(*backend_named(name), lanes);
}

void check_scalar_outputs(const lisp::Patch& patch) {
  for (size_t k = 0; k < patch.outputs.size(); ++k)
    if (!patch.outputs[k].shape().empty())
      throw Error("out channel " + std::to_string(patch.output_ports[k].channel) + " has shape " +
                  to_string(patch.outputs[k].shape()) +
                  "; only scalar signals can be written as audio");
}

}  // namespace dgen::cli

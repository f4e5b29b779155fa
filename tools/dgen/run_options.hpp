// Arguments shared by the commands that run a patch (render, grad, train): param
// values (--set, --params), the stream (--frames | --seconds, --sample-rate, --in,
// --tail) and the backend.
#pragma once
#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "dgen/program.hpp"
#include "lisp/patch.hpp"

namespace dgen::cli {

// --set NAME=VALUE… and --params FILE.json.
struct ParamSettings {
  std::vector<std::string> sets;
  std::string file;
};
void add_param_options(CLI::App& app, ParamSettings& settings);
// --set alone (dgen train reads its file with --seed-params).
void add_set_option(CLI::App& app, std::vector<std::string>& sets, const std::string& help);
// Applies the file, then every --set (so a --set wins). Unknown names and values of
// the wrong size are errors; a malformed --set is a UsageError.
void apply_params(const ParamSettings& settings, lisp::Patch& patch);
// A params file: {"params": {"name": value or [values], ...}} (the format `dgen train`
// writes), or the inner object alone.
std::map<std::string, std::vector<float>> read_params_file(const std::string& path);
// Applies one "NAME=VALUE" and returns the param it set.
lisp::ParamInfo& set_param(lisp::Patch& patch, const std::string& set);
// The param called `name`; an error lists the patch's params when there is none.
lisp::ParamInfo& find_param(lisp::Patch& patch, const std::string& name);

// --frames N | --seconds S, --sample-rate R, --in CH=FILE|VALUE…; --tail S for render.
struct StreamOptions {
  int64_t frames = 0;
  double seconds = 0, tail = 0;
  int sample_rate = 44100;
  std::vector<std::string> inputs;
  CLI::Option *frames_option = nullptr, *seconds_option = nullptr, *rate_option = nullptr,
              *tail_option = nullptr;
  // What a command may set in place of the inputs' rate and length when the options are
  // not given (dgen grad and train: the target's); an --in file must then match the rate.
  int default_sample_rate = 0;
  int64_t default_frames = -1;
  // Whether every input is stored at the stream's full length, for Stream::channels()
  // (grad and train run the whole stream at once); render takes Stream::block()s and
  // leaves it off, so its memory does not grow with the length.
  bool pad_inputs = true;
};
void add_stream_options(CLI::App& app, StreamOptions& options);
// --tail SECONDS: the stream goes on that long after the longest --in file.
void add_tail_option(CLI::App& app, StreamOptions& options);

// The stream a run covers.
struct Stream {
  int sample_rate = 44100;
  int64_t frames = 0;
  // An input's samples, then `rest` to the stream's end: zeros after a file, or a
  // constant's value (with no samples).
  struct Input {
    std::vector<float> samples;
    float rest = 0;
  };
  std::map<int, Input> inputs;  // by 1-based channel
  // Every input over the whole stream; needs StreamOptions::pad_inputs.
  std::vector<InputChannel> channels() const;
  // The inputs of frames [start, start + count): views into the samples where they
  // cover those frames, else copies in `scratch`.
  std::vector<InputChannel> block(int64_t start, int64_t count,
                                  std::vector<std::vector<float>>& scratch) const;
};
// Reads the --in files (mixed to mono). The sample rate is --sample-rate, else the
// files' rate, else 44100; a file at another rate is an error. The length is --frames,
// else --seconds, else the longest input file (plus --tail), else one second.
Stream resolve_stream(const StreamOptions& options, const lisp::Patch& patch);

// --backend auto|c|cuda|interp.
void add_backend_option(CLI::App& app, std::string& backend);
// --fast-math (RenderOptions::fast_math; docs/CLI.md, "Backends").
void add_fast_math_option(CLI::App& app, bool& fast_math);
// The named backend, resolved (runtime/backends.hpp); throws dgen::Error with one line
// when it cannot run here.
Backend parse_backend(const std::string& name, int lanes = 1);

// A number check with a readable message (CLI11's range checks print huge bounds).
CLI::Validator at_least(double min, bool inclusive);
// A frame count >= 1, written as an integer or in floating-point notation (3e9).
CLI::Validator frame_count();

// Every out of the patch must be a scalar signal to become an audio channel.
void check_scalar_outputs(const lisp::Patch& patch);

}  // namespace dgen::cli

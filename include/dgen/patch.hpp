// Patches from C++: a patch written in the patch language (docs/LANGUAGE.md), loaded as
// the graph of its outputs with its params and ports, to render with a Program, set
// params on, or train. It is what the command line, the plugin compiler and training use.
// Link dgen::dgen_lisp (find_package(dgen) provides it).
//
//   dgen::lisp::Patch patch = dgen::lisp::load_patch_file("synth.lisp");
//   dgen::Program program(patch.outputs, {.sample_rate = 48000});
//   patch.params[0].param.set(220.0f);  // declaration order; no recompile
//   program.run(48000);
//   std::span<const float> left = program.channel(1);
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dgen/dgen.hpp"

namespace dgen::lisp {

// A patch error with its position; what() is "file:line:col: message".
class PatchError : public Error {
 public:
  PatchError(const std::string& file, int line, int col, const std::string& message)
      : Error(file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + message),
        file(file), line(line), col(col) {}
  std::string file;
  int line, col;
};

struct ParamInfo {
  Param param;  // name, shape, value, min, max, unit, group, env, role live in its data
  float default_value = 0;
  bool mod = false;        // @mod true
  std::string mod_mode{};  // additive | multiplicative | semitone
  // A modulation depth param the loader generates for each modulator input of a
  // `@mod true` param: `modulates` names that param, `modulator_slot` the input's slot.
  std::string modulates{};
  int modulator_slot = 0;
  // @note gate|pitch|velocity: an instrument's MIDI notes drive it, per voice
  // (docs/PLUGIN.md, "Instruments"); "" for a plain param.
  std::string note{};
};

struct PortInfo {
  int channel = 1;  // 1-based
  std::string name;
  int modulator = 0;    // @modulator slot (a modulation source), 0 when none
  int64_t latency = 0;  // out's @latency: frames this output lags the inputs
};

struct Patch {
  std::string file;
  std::vector<Value> outputs;          // the out() nodes, ordered by channel
  std::vector<PortInfo> output_ports;  // same order as outputs
  std::vector<PortInfo> input_ports;   // every (in ch) used, ordered by channel
  std::vector<ParamInfo> params;       // in declaration order
  int voices = 0;  // @voices of its @note params: an instrument's polyphony (0: none given)
  // The highest sample rate the patch's sizes are planned for, when some size depends on
  // the rate ((* 2 samplerate), `max-samplerate`); 0 when none does (docs/LANGUAGE.md,
  // "Sizes in seconds").
  double max_sample_rate = 0;
};

// The patch in the file at `path`, or in `text` (`file_name` names it in messages, and
// `@file` paths are relative to its directory). Throws PatchError (positioned) for errors
// in the patch, dgen::Error for others (e.g. a file that cannot be read).
Patch load_patch_file(const std::string& path);
Patch load_patch(std::string_view text, const std::string& file_name);

}  // namespace dgen::lisp

// Generates the C source of a real-time plugin (SPEC §8, include/dgen/plugin.h): the
// program's dgen_run (render_c) made static, plus the five exported ABI functions, and
// for an LV2 plugin the LV2 entry points around them (lv2_source.hpp, docs/PLUGIN.md).
//
// The state block a host allocates is the program's arena followed by a few words the
// plugin keeps for itself (and, with several lanes, one block of lane samples per output,
// summed into the host's buffer). dgen_state_init_v1 fills the arena from a read-only
// image made at compile time by init_arena (literals, initial state, default params), so
// the library has no mutable static data and instances never share memory.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dgen/param.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

// 80 dB above full scale: far beyond any sane signal, reached within milliseconds by an
// unstable recursion, yet far from float overflow.
constexpr double kDefaultOutputCeiling = 1e4;

// What drives a param of an instrument (docs/PLUGIN.md, "Instruments"): note-on/off of
// the MIDI input, per voice, rather than a control port.
enum class NoteRole { none, gate, pitch, velocity };

enum class PluginFormat { abi, lv2 };

struct PluginSpec {
  // Scalar params in set_param index order; their current values are the defaults.
  // Params the graph does not read may be listed (setting them does nothing).
  std::vector<std::shared_ptr<ParamData>> params;
  // The host's inputs[k] feeds `in(input_channels[k])`.
  std::vector<int> input_channels;
  // Used when the host passes no context.
  double sample_rate = 44100;
  // An output sample above this in magnitude (or not finite) silences the instance until
  // its next reset (docs/PLUGIN.md, "Runaway output"). In (0, FLT_MAX].
  double output_ceiling = kDefaultOutputCeiling;
  // Parallel to `params` (empty: none has a note role).
  std::vector<NoteRole> note_roles = {};
  // Frames by which the outputs lag the inputs (an LV2 host compensates it).
  int64_t latency = 0;
  PluginFormat format = PluginFormat::abi;
  std::string lv2_uri = {};  // the plugin's URI, for PluginFormat::lv2
};

// Frames rendered between two checks for non-finite output. Checks (and the state
// resets they cause) happen on multiples of this count since the last reset, whatever
// the host's block size, so output never depends on how a stream is split.
constexpr int64_t kPluginCheckFrames = 256;

// Bytes of one instance's state for `schedule`.
int64_t plugin_state_size(const Schedule& schedule);

// Requires scalar outputs (one host channel per output); each output is the sum of its
// lanes (an instrument's voices). Throws dgen::Error otherwise.
std::string plugin_source(const Schedule& schedule, const PluginSpec& spec);

// Compiles the plugin source in `c_path` into the shared library `so_path` with the C
// backend's compiler and flags (compiler.hpp). Throws dgen::Error when no compiler is
// found or compilation fails (with the compiler's output).
void compile_plugin(const std::string& c_path, const std::string& so_path);

}  // namespace dgen

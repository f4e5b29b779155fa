// dgen_host: a minimal real-time host for dgen plugins (SPEC §8, include/dgen/plugin.h).
//
//   dgen_host PLUGIN.so OUT.wav [--frames N] [--block B] [--sample-rate R]
//             [--set NAME=VALUE]... [--input VALUE]
//
// Reads the manifest beside the plugin (PLUGIN.json) for the number of inputs and
// outputs and the param indices, renders `frames` frames in blocks of B frames (as an
// audio callback would) with every input held at VALUE, and writes a 32-bit float WAV
// with one channel per output. It depends only on the plugin header, dlopen and
// nlohmann-json, so it can be copied as a starting point for a real host.
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "dgen/plugin.h"

namespace {

constexpr const char* kUsage =
    "usage: dgen_host PLUGIN.so OUT.wav [--frames N] [--block B] [--sample-rate R]\n"
    "                 [--set NAME=VALUE]... [--input VALUE]\n"
    "Renders a plugin built by `dgen compile` (its manifest PLUGIN.json beside it) to a\n"
    "32-bit float WAV, in blocks of B frames (default 256) as an audio callback would.\n"
    "  --frames N       frames to render (default 44100)\n"
    "  --block B        frames per process call (default 256)\n"
    "  --sample-rate R  Hz (default: the manifest's)\n"
    "  --set NAME=VALUE set a param by its manifest name (repeatable)\n"
    "  --input VALUE    the value every input holds (default 0)\n"
    "  -h, --help       show this and exit\n";

// A bad command line: the usage goes to stderr and the exit status is 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string plugin, output;
  int64_t frames = 44100, block = 256;
  float sample_rate = 0;  // 0: the manifest's
  float input = 0;
  std::map<std::string, float> params;
  bool help = false;
};

// The whole of `text` as a number, or a usage error that names the option.
double number(const std::string& option, const std::string& text) {
  size_t used = 0;
  double x = 0;
  try {
    x = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  if (used == 0 || used != text.size())
    throw UsageError(option + " expects a number, got '" + text + "'");
  return x;
}

Options parse_args(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> double {
      if (i + 1 >= argc) throw UsageError(arg + " needs a value");
      return number(arg, argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return o;
    }
    auto count = [&]() -> int64_t {  // a whole number of frames
      const double x = value();
      if (!(x >= 0 && x <= 9e15 && x == std::floor(x)))
        throw UsageError(arg + " expects a whole number of frames >= 0");
      return int64_t(x);
    };
    if (arg == "--frames")
      o.frames = count();
    else if (arg == "--block")
      o.block = count();
    else if (arg == "--sample-rate")
      o.sample_rate = float(value());
    else if (arg == "--input")
      o.input = float(value());
    else if (arg == "--set") {
      if (i + 1 >= argc) throw UsageError("--set needs a value");
      const std::string set = argv[++i];
      const size_t eq = set.find('=');
      if (eq == std::string::npos) throw UsageError("--set expects NAME=VALUE");
      o.params[set.substr(0, eq)] = float(number("--set " + set.substr(0, eq), set.substr(eq + 1)));
    } else if (arg.starts_with("-") && arg.size() > 1)
      throw UsageError("unknown option " + arg);
    else
      positional.push_back(arg);
  }
  if (positional.size() != 2) throw UsageError("expected PLUGIN.so and OUT.wav");
  if (o.frames < 0 || o.block < 1) throw UsageError("--frames must be >= 0 and --block >= 1");
  o.plugin = positional[0];
  o.output = positional[1];
  return o;
}

// The plugin's entry points.
struct Plugin {
  void* handle = nullptr;
  dgen_abi_version_fn abi_version;
  dgen_state_size_v1_fn state_size;
  dgen_state_init_v1_fn state_init;
  dgen_set_param_v1_fn set_param;
  dgen_process_v1_fn process;

  explicit Plugin(const std::string& path) {
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw std::runtime_error(dlerror());
    abi_version = reinterpret_cast<dgen_abi_version_fn>(symbol("dgen_abi_version"));
    state_size = reinterpret_cast<dgen_state_size_v1_fn>(symbol("dgen_state_size_v1"));
    state_init = reinterpret_cast<dgen_state_init_v1_fn>(symbol("dgen_state_init_v1"));
    set_param = reinterpret_cast<dgen_set_param_v1_fn>(symbol("dgen_set_param_v1"));
    process = reinterpret_cast<dgen_process_v1_fn>(symbol("dgen_process_v1"));
    if (abi_version() != DGEN_PLUGIN_ABI_VERSION)
      throw std::runtime_error(path + ": unsupported ABI version");
  }
  ~Plugin() { dlclose(handle); }
  void* symbol(const char* name) {
    void* f = dlsym(handle, name);
    if (!f) throw std::runtime_error(std::string("the plugin has no ") + name);
    return f;
  }
};

void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put_u16(std::string& out, uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); }

// A 32-bit float WAV (little-endian host assumed).
void write_wav(const std::string& path, const std::vector<std::vector<float>>& channels,
               uint32_t rate) {
  const uint32_t n = uint32_t(channels.size()), frames = uint32_t(channels.at(0).size());
  std::string out = "RIFF";
  put_u32(out, 36 + frames * n * 4);
  out += "WAVEfmt ";
  put_u32(out, 16);
  put_u16(out, 3);  // IEEE float
  put_u16(out, uint16_t(n));
  put_u32(out, rate);
  put_u32(out, rate * n * 4);
  put_u16(out, uint16_t(n * 4));
  put_u16(out, 32);
  out += "data";
  put_u32(out, frames * n * 4);
  for (uint32_t t = 0; t < frames; ++t)
    for (uint32_t c = 0; c < n; ++c) out.append(reinterpret_cast<const char*>(&channels[c][t]), 4);
  std::ofstream file(path, std::ios::binary);
  file.write(out.data(), std::streamsize(out.size()));
  if (!file) throw std::runtime_error("cannot write " + path);
}

void run(const Options& o) {
  std::string manifest_path = o.plugin.substr(0, o.plugin.rfind('.')) + ".json";
  std::ifstream manifest_file(manifest_path);
  if (!manifest_file) throw std::runtime_error("cannot read the manifest " + manifest_path);
  const nlohmann::json manifest = nlohmann::json::parse(manifest_file);
  Plugin plugin(o.plugin);

  // One instance: a state block of the plugin's size, initialised, params set.
  const size_t bytes = (plugin.state_size() + 63) / 64 * 64;
  void* state = std::aligned_alloc(64, bytes);
  if (!state)
    throw std::runtime_error("cannot allocate " + std::to_string(bytes) + " bytes of state");
  plugin.state_init(state);
  for (const auto& [name, value] : o.params) {
    bool found = false;
    for (const auto& p : manifest["params"])
      if (p["name"] == name) {
        plugin.set_param(state, p["index"].get<uint32_t>(), value);
        found = true;
      }
    if (!found) throw std::runtime_error("the plugin has no param " + name);
  }

  const size_t n_in = manifest["inputs"].size(), n_out = manifest["outputs"].size();
  const float rate = o.sample_rate > 0 ? o.sample_rate : manifest["sample_rate"].get<float>();
  const dgen_context_v1 ctx{DGEN_PLUGIN_ABI_VERSION, sizeof(dgen_context_v1), rate};
  std::vector<std::vector<float>> out(n_out, std::vector<float>(size_t(o.frames)));
  const std::vector<float> input(size_t(o.block), o.input);
  std::vector<const float*> in_ptrs(n_in, input.data());
  std::vector<float*> out_ptrs(n_out);
  for (int64_t at = 0; at < o.frames; at += o.block) {  // the audio callback
    const uint32_t n = uint32_t(std::min(o.block, o.frames - at));
    for (size_t k = 0; k < n_out; ++k) out_ptrs[k] = out[k].data() + at;
    plugin.process(in_ptrs.data(), out_ptrs.data(), n, state, &ctx);
  }
  std::free(state);
  write_wav(o.output, out, uint32_t(rate));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_args(argc, argv);
    if (options.help) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    run(options);
    return 0;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "dgen_host: %s\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dgen_host: %s\n", e.what());
    return 1;
  }
}

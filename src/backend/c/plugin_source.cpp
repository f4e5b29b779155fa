#include "backend/c/plugin_source.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "backend/c/compiler.hpp"
#include "backend/c/lv2_source.hpp"
#include "backend/c/render_c.hpp"
#include "dgen/error.hpp"
#include "ir/node.hpp"
#include "runtime/arena.hpp"

namespace dgen {
namespace {

constexpr int64_t kFlagsBytes = 64;  // the plugin's own words after the arena
constexpr uint32_t kNoSlot = 0xffffffffu;

int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// Where the lane blocks start (after the arena and the plugin's words).
int64_t lane_blocks_offset(const Schedule& s) { return round_up(s.arena_bytes, 64) + kFlagsBytes; }

// A C array definition. C has no empty arrays, so an empty list gets one unused
// element (its count macro says 0).
std::string c_array(const std::string& decl, const std::vector<std::string>& items) {
  std::string out = "static const " + decl + "[] = {";
  if (items.empty()) return out + "0};\n";
  for (size_t i = 0; i < items.size(); ++i) out += (i % 12 == 0 ? "\n  " : " ") + items[i] + ",";
  return out + "\n};\n";
}

std::string c_float(double v) {
  if (std::isinf(v)) return v > 0 ? "HUGE_VALF" : "-HUGE_VALF";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s + "f";
}

// The arena's initial bytes as runs of non-zero data (state init zeroes the rest), so
// a long delay line does not become megabytes of zeros in the source.
struct Image {
  std::vector<std::string> runs;  // offset, length, offset, length, ...
  std::vector<std::string> bytes;
};

Image arena_image(const Schedule& s) {
  std::vector<unsigned char> arena(size_t(s.arena_bytes));
  // Zeros, not left: the image is the bytes a plugin's reset copies.
  init_arena(s, reinterpret_cast<char*>(arena.data()), TransientFill::Zero);
  Image image;
  constexpr size_t kMaxGap = 16;  // zero gaps shorter than this stay inside a run
  size_t i = 0;
  while (i < arena.size()) {
    if (arena[i] == 0) {
      ++i;
      continue;
    }
    size_t end = i, zeros = 0;
    for (size_t j = i; j < arena.size() && zeros < kMaxGap; ++j) {
      zeros = arena[j] ? 0 : zeros + 1;
      if (arena[j]) end = j + 1;
    }
    image.runs.push_back(std::to_string(i) + "u");  // offset, then length
    image.runs.push_back(std::to_string(end - i) + "u");
    for (size_t j = i; j < end; ++j) image.bytes.push_back(std::to_string(arena[j]));
    i = end;
  }
  return image;
}

// Arena offset of each param's slot, or kNoSlot when the graph does not read it.
std::vector<std::string> param_offsets(const Schedule& s, const PluginSpec& spec) {
  std::vector<std::string> out;
  for (const auto& p : spec.params) {
    if (!p->shape.empty())
      throw Error("plugin: param '" + p->name + "' is a tensor; only scalar params are settable");
    uint32_t offset = kNoSlot;
    for (size_t i = 0; i < s.graph.nodes.size(); ++i)
      if (s.graph.nodes[i]->param == p) offset = uint32_t(s.buffers[s.slot[i]].offset);
    out.push_back(std::to_string(offset) + "u");
  }
  return out;
}

void check_plugin_shape(const Schedule& s) {
  for (int i : s.graph.output_index) {
    const Node& out = *s.graph.nodes[i];
    if (!out.shape.empty())
      throw Error("plugin: out channel " + std::to_string(out.attrs.ints.at(0)) + " has shape " +
                  to_string(out.shape) + "; a plugin output must be a scalar signal");
  }
  if (s.arena_bytes >= int64_t(kNoSlot)) throw Error("plugin: the state is too large (over 4 GiB)");
}

// The bit pattern of the ceiling as a float (the guard compares magnitudes as bits).
uint32_t ceiling_bits(double ceiling) {
  if (!(ceiling > 0) || !(ceiling <= double(std::numeric_limits<float>::max()))) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", ceiling);
    throw Error(std::string("plugin: the output ceiling must be in (0, 3.4e38], got ") + text);
  }
  return std::bit_cast<uint32_t>(float(ceiling));
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The program's entry point, made private to the plugin.
std::string static_run_function(const Schedule& s) {
  std::string src = render_c(s);
  const std::string signature = "void dgen_run(";
  const size_t at = src.find(signature);
  if (at == std::string::npos) throw std::logic_error("render_c produced no dgen_run");
  return src.insert(at, "static ");
}

// The ABI functions. They use only the macros and tables emitted before them.
constexpr const char* kAbiFunctions = R"(
uint32_t dgen_abi_version(void) { return 1; }

size_t dgen_state_size_v1(void) { return DGEN_STATE_BYTES; }

/* Set from a sample out of bounds (not finite, or above the ceiling) to the next check. */
static uint32_t *dgen_poisoned(void *state) {
  return (uint32_t *)((char *)state + DGEN_ARENA_BYTES);
}

static void dgen_load_image(char *arena) {
  memset(arena, 0, DGEN_ARENA_BYTES);
  const unsigned char *src = dgen_image_bytes;
  for (size_t r = 0; r < DGEN_IMAGE_RUNS; ++r) {
    memcpy(arena + dgen_image_runs[2 * r], src, dgen_image_runs[2 * r + 1]);
    src += dgen_image_runs[2 * r + 1];
  }
}

void dgen_state_init_v1(void *state) {
  if (!state) return;
  dgen_load_image((char *)state);
  *dgen_poisoned(state) = 0;
}

static int dgen_is_finite(float x) {
  uint32_t bits;
  memcpy(&bits, &x, sizeof bits); /* immune to -ffast-math */
  return (bits & 0x7f800000u) != 0x7f800000u;
}

/* |x| <= DGEN_OUTPUT_CEILING, compared as bits: they order magnitudes of every float,
   infinities and NaN above all finite ones, whatever -ffast-math assumes. */
static int dgen_is_sane(float x) {
  uint32_t bits;
  memcpy(&bits, &x, sizeof bits);
  return (bits & 0x7fffffffu) <= DGEN_CEILING_BITS;
}

/* The param's value clamped to its range; 0 when it is not finite or unknown. */
static int dgen_clamped(uint32_t index, float *value) {
  if (index >= DGEN_NUM_PARAMS || !dgen_is_finite(*value)) return 0;
  if (*value < dgen_param_min[index]) *value = dgen_param_min[index];
  if (*value > dgen_param_max[index]) *value = dgen_param_max[index];
  return dgen_param_offset[index] != DGEN_NO_SLOT;
}

/* A scalar param holds one copy per lane (the arena is [element][lane]). */
static float *dgen_param_lane(void *state, uint32_t index, uint32_t lane) {
  return (float *)((char *)state + dgen_param_offset[index]) + lane;
}

void dgen_set_param_v1(void *state, uint32_t index, float value) {
  if (!state || !dgen_clamped(index, &value)) return;
  for (uint32_t l = 0; l < DGEN_LANES; ++l) memcpy(dgen_param_lane(state, index, l), &value, sizeof value);
}

/* A fresh state that keeps the params the host has set. */
static void dgen_reset_keeping_params(char *arena) {
  float saved[(DGEN_NUM_PARAMS + 1) * DGEN_LANES];
  for (size_t i = 0; i < DGEN_NUM_PARAMS; ++i)
    if (dgen_param_offset[i] != DGEN_NO_SLOT)
      memcpy(&saved[i * DGEN_LANES], dgen_param_lane(arena, i, 0), DGEN_LANES * sizeof(float));
  dgen_load_image(arena);
  for (size_t i = 0; i < DGEN_NUM_PARAMS; ++i)
    if (dgen_param_offset[i] != DGEN_NO_SLOT)
      memcpy(dgen_param_lane(arena, i, 0), &saved[i * DGEN_LANES], DGEN_LANES * sizeof(float));
}

/* The first frame of `n` with a sample out of bounds on any output, or n. The common
   case, every sample in bounds, is one pass per output that vectorises (the largest
   magnitude as bits); only a chunk that fails it is searched frame by frame. */
static uint32_t dgen_first_out_of_bounds(float *const *out, uint32_t n) {
  uint32_t worst = 0;
  for (size_t k = 0; k < DGEN_NUM_OUTPUTS; ++k)
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t bits;
      memcpy(&bits, &out[k][i], sizeof bits);
      bits &= 0x7fffffffu;
      worst = bits > worst ? bits : worst;
    }
  if (worst <= DGEN_CEILING_BITS) return n;
  for (uint32_t i = 0; i < n; ++i)
    for (size_t k = 0; k < DGEN_NUM_OUTPUTS; ++k)
      if (!dgen_is_sane(out[k][i])) return i;
  return n;
}

/* With several lanes the program writes [frame][lane] into the state's lane blocks;
   the host gets their sum. */
static float *dgen_lane_block(void *state, size_t k) {
  return (float *)((char *)state + DGEN_LANE_BLOCKS_OFFSET) + k * DGEN_CHECK_FRAMES * DGEN_LANES;
}

static void dgen_sum_lanes(void *state, float *const *host, uint32_t n) {
  for (size_t k = 0; k < DGEN_NUM_OUTPUTS; ++k) {
    const float *lanes = dgen_lane_block(state, k);
    for (uint32_t i = 0; i < n; ++i) {
      float sum = 0.0f;
      for (uint32_t l = 0; l < DGEN_LANES; ++l) sum += lanes[i * DGEN_LANES + l];
      host[k][i] = sum;
    }
  }
}

void dgen_process_v1(const float *const *inputs, float *const *outputs, uint32_t frames,
                     void *state, const dgen_context_v1 *ctx) {
  if (!state || !outputs) return;
  char *arena = (char *)state;
  uint32_t *poisoned = dgen_poisoned(state);
  const double sr = ctx && ctx->struct_size >= sizeof(dgen_context_v1) && ctx->sample_rate > 0
                        ? (double)ctx->sample_rate : DGEN_SAMPLE_RATE;
  const float *in[DGEN_RUN_INPUTS + 1] = {0};
  float *out[DGEN_NUM_OUTPUTS + 1] = {0};
  float *host[DGEN_NUM_OUTPUTS + 1] = {0};
  uint32_t done = 0;
  while (done < frames) {
    /* Chunks end on multiples of DGEN_CHECK_FRAMES since the last reset, so checks
       and resets fall on the same frames whatever the host's block size. */
    const int64_t t = *(const int64_t *)(arena + DGEN_COUNTER_OFFSET);
    uint32_t n = (uint32_t)(DGEN_CHECK_FRAMES - t % DGEN_CHECK_FRAMES);
    if (n > frames - done) n = frames - done;
    for (size_t k = 0; k < DGEN_NUM_INPUTS; ++k)
      in[dgen_input_channel[k] - 1] = inputs && inputs[k] ? inputs[k] + done : 0;
    for (size_t k = 0; k < DGEN_NUM_OUTPUTS; ++k) {
      host[k] = outputs[k] + done;
      out[k] = DGEN_LANES > 1 ? dgen_lane_block(state, k) : host[k];
    }
    dgen_run(arena, in, out, n, sr);
    if (DGEN_LANES > 1) dgen_sum_lanes(state, host, n);
    /* From the first frame with a sample out of bounds, silence until the reset: the
       runaway's samples still below the ceiling are no better. Frame by frame, so the
       output does not depend on the host's block size. */
    const uint32_t bad = *poisoned ? 0 : dgen_first_out_of_bounds(host, n);
    if (bad < n) {
      *poisoned = 1;
      for (size_t k = 0; k < DGEN_NUM_OUTPUTS; ++k) memset(host[k] + bad, 0, (n - bad) * sizeof(float));
    }
    done += n;
    if (*poisoned && (t + n) % DGEN_CHECK_FRAMES == 0) {
      dgen_reset_keeping_params(arena);
      *poisoned = 0;
    }
  }
}
)";

}  // namespace

int64_t plugin_state_size(const Schedule& schedule) {
  const int64_t lane_blocks = schedule.lanes > 1
                                  ? int64_t(schedule.graph.output_index.size()) *
                                        kPluginCheckFrames * schedule.lanes * int64_t(sizeof(float))
                                  : 0;
  return lane_blocks_offset(schedule) + lane_blocks;
}

std::string plugin_source(const Schedule& s, const PluginSpec& spec) {
  check_plugin_shape(s);
  int run_inputs = max_input_channel(s);
  std::vector<std::string> channels;
  for (int ch : spec.input_channels) {
    if (ch < 1) throw Error("plugin: input channel must be >= 1, got " + std::to_string(ch));
    run_inputs = std::max(run_inputs, ch);
    channels.push_back(std::to_string(ch));
  }
  std::vector<std::string> mins, maxs;
  for (const auto& p : spec.params) {
    mins.push_back(c_float(p->min ? double(*p->min) : -INFINITY));
    maxs.push_back(c_float(p->max ? double(*p->max) : INFINITY));
  }
  const std::vector<std::string> offsets = param_offsets(s, spec);
  const Image image = arena_image(s);

  std::string src = "/* dgen plugin, ABI version 1 (include/dgen/plugin.h) */\n";
  src += static_run_function(s);
  src += "\n#include <stddef.h>\n";
  src +=
      "typedef struct { uint32_t abi_version; uint32_t struct_size; float sample_rate; } "
      "dgen_context_v1;\n";
  auto define = [&](const std::string& name, const std::string& value) {
    src += "#define " + name + " " + value + "\n";
  };
  define("DGEN_ARENA_BYTES", std::to_string(round_up(s.arena_bytes, 64)));
  define("DGEN_STATE_BYTES", std::to_string(plugin_state_size(s)));
  define("DGEN_COUNTER_OFFSET", std::to_string(s.buffers[s.frame_counter].offset));
  define("DGEN_CHECK_FRAMES", std::to_string(kPluginCheckFrames));
  define("DGEN_LANES", std::to_string(s.lanes) + "u");
  define("DGEN_LANE_BLOCKS_OFFSET", std::to_string(lane_blocks_offset(s)));
  define("DGEN_SAMPLE_RATE", std::to_string(spec.sample_rate));
  define("DGEN_NUM_PARAMS", std::to_string(spec.params.size()));
  define("DGEN_NUM_INPUTS", std::to_string(spec.input_channels.size()));
  define("DGEN_RUN_INPUTS", std::to_string(run_inputs));
  define("DGEN_NUM_OUTPUTS", std::to_string(s.graph.output_index.size()));
  define("DGEN_IMAGE_RUNS", std::to_string(image.runs.size() / 2));
  define("DGEN_NO_SLOT", std::to_string(kNoSlot) + "u");
  define("DGEN_CEILING_BITS", std::to_string(ceiling_bits(spec.output_ceiling)) + "u /* " +
                                  c_float(spec.output_ceiling) + " */");
  src += c_array("uint32_t dgen_image_runs", image.runs);
  src += c_array("unsigned char dgen_image_bytes", image.bytes);
  src += c_array("uint32_t dgen_param_offset", offsets);
  src += c_array("float dgen_param_min", mins);
  src += c_array("float dgen_param_max", maxs);
  src += c_array("int dgen_input_channel", channels);
  src += kAbiFunctions;
  if (spec.format == PluginFormat::lv2)
    src += lv2_functions(spec, s.graph.output_index.size(), uint32_t(s.lanes));
  return src;
}

void compile_plugin(const std::string& c_path, const std::string& so_path) {
  const std::string cc = c_compiler();
  if (cc.empty())
    throw Error("no C compiler found to build the plugin; install one or set DGEN_CC");
  const std::string cmd = cc + " " + c_flags() + " -o " + shell_quote(so_path) + " " +
                          shell_quote(c_path) + " -lm 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw Error("cannot run the C compiler " + cc);
  std::string output;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) output.append(buf, n);
  if (pclose(p) != 0) throw Error("the plugin failed to compile with " + cc + ":\n" + output);
}

}  // namespace dgen

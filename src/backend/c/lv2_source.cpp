#include "backend/c/lv2_source.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "dgen/error.hpp"

namespace dgen {
namespace {

// A param name as an LV2 symbol: other characters become '_', a leading digit gets one
// before it, and a symbol taken already gets a number after it.
std::string unique_symbol(const std::string& name, std::set<std::string>& taken) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "_" + s;
  std::string unique = s;
  for (int k = 2; taken.count(unique); ++k) unique = s + "_" + std::to_string(k);
  taken.insert(unique);
  return unique;
}

bool has_notes(const PluginSpec& spec) {
  for (NoteRole r : spec.note_roles)
    if (r != NoteRole::none) return true;
  return false;
}

NoteRole role_of(const PluginSpec& spec, size_t param) {
  return param < spec.note_roles.size() ? spec.note_roles[param] : NoteRole::none;
}

// The param of a note role, or -1.
std::string note_param(const PluginSpec& spec, NoteRole role) {
  for (size_t i = 0; i < spec.params.size(); ++i)
    if (role_of(spec, i) == role) return std::to_string(i);
  return "-1";
}

// The entry points. They use the ABI functions and the macros and tables before them.
// The LV2 declarations they need are written out as the LV2 headers define them (a
// stable ABI), so a plugin builds where the LV2 headers are not installed.
constexpr const char* kLv2Functions = R"(
typedef void *LV2_Handle;
typedef struct { const char *URI; void *data; } LV2_Feature;
typedef struct LV2_Descriptor {
  const char *URI;
  LV2_Handle (*instantiate)(const struct LV2_Descriptor *, double, const char *,
                            const LV2_Feature *const *);
  void (*connect_port)(LV2_Handle, uint32_t, void *);
  void (*activate)(LV2_Handle);
  void (*run)(LV2_Handle, uint32_t);
  void (*deactivate)(LV2_Handle);
  void (*cleanup)(LV2_Handle);
  const void *(*extension_data)(const char *);
} LV2_Descriptor;
typedef struct { void *handle; uint32_t (*map)(void *, const char *); } LV2_URID_Map;
typedef struct { uint32_t size; uint32_t type; } LV2_Atom;
typedef struct { LV2_Atom atom; uint32_t unit; uint32_t pad; } LV2_Atom_Sequence;
typedef struct { int64_t frames; LV2_Atom body; } LV2_Atom_Event;

#include <math.h>
#include <stdlib.h>

/* A moving control steps toward its port's value every DGEN_SMOOTH_FRAMES frames, on
   multiples of it since activation (so the output does not depend on the host's
   blocks), by the fraction that makes a time constant of DGEN_SMOOTH_SECONDS. */
#define DGEN_SMOOTH_FRAMES 32u
#define DGEN_SMOOTH_SECONDS 0.01

typedef struct {
  uint32_t key;  /* MIDI key number */
  int held;      /* the key is down */
  uint64_t since; /* when it was last pressed or released, for allocation */
} dgen_voice;

typedef struct {
  void *state;
  double sample_rate;
  float smooth_step;
  const float *control[DGEN_LV2_CONTROLS + 1];
  float current[DGEN_LV2_CONTROLS + 1];
  int started; /* run since activate: controls jump to their first value */
  const float *audio_in[DGEN_NUM_INPUTS + 1];
  float *audio_out[DGEN_NUM_OUTPUTS + 1];
  float *latency;
  const LV2_Atom_Sequence *midi;
  uint32_t midi_event; /* the URID of midi:MidiEvent */
  dgen_voice voice[DGEN_LANES];
  uint64_t clock;
  int retrigger; /* a voice was stolen: its gate is low for one frame */
  uint64_t frame; /* since activate */
} dgen_lv2;

static LV2_Handle dgen_lv2_instantiate(const LV2_Descriptor *d, double rate, const char *path,
                                       const LV2_Feature *const *features) {
  (void)d, (void)path;
  dgen_lv2 *self = (dgen_lv2 *)calloc(1, sizeof(dgen_lv2));
  if (!self) return 0;
  self->state = aligned_alloc(64, (DGEN_STATE_BYTES + 63) / 64 * 64);
  self->sample_rate = rate > 0 ? rate : DGEN_SAMPLE_RATE;
  self->smooth_step = (float)(1.0 - exp(-(double)DGEN_SMOOTH_FRAMES /
                                        (DGEN_SMOOTH_SECONDS * self->sample_rate)));
  for (size_t i = 0; features && features[i]; ++i)
    if (!strcmp(features[i]->URI, "http://lv2plug.in/ns/ext/urid#map")) {
      const LV2_URID_Map *map = (const LV2_URID_Map *)features[i]->data;
      self->midi_event = map->map(map->handle, "http://lv2plug.in/ns/ext/midi#MidiEvent");
    }
  if (!self->state || (DGEN_LV2_MIDI && !self->midi_event)) {
    free(self->state);
    free(self);
    return 0;
  }
  dgen_state_init_v1(self->state);
  return self;
}

static void dgen_lv2_connect(LV2_Handle h, uint32_t port, void *data) {
  dgen_lv2 *self = (dgen_lv2 *)h;
  if (port < DGEN_LV2_CONTROLS) self->control[port] = (const float *)data;
  else if ((port -= DGEN_LV2_CONTROLS) < DGEN_NUM_INPUTS) self->audio_in[port] = (const float *)data;
  else if ((port -= DGEN_NUM_INPUTS) < DGEN_NUM_OUTPUTS) self->audio_out[port] = (float *)data;
  else if ((port -= DGEN_NUM_OUTPUTS) < DGEN_LV2_LATENCY) self->latency = (float *)data;
  else self->midi = (const LV2_Atom_Sequence *)data;
}

static void dgen_lv2_activate(LV2_Handle h) {
  dgen_lv2 *self = (dgen_lv2 *)h;
  dgen_state_init_v1(self->state);
  memset(self->voice, 0, sizeof self->voice);
  self->clock = 0;
  self->started = 0;
  self->retrigger = 0;
  self->frame = 0;
}

/* Moves every control one step toward its port's value (all the way on the first run);
   returns whether one is still moving. */
static int dgen_lv2_smooth(dgen_lv2 *self) {
  int moving = 0;
  for (uint32_t c = 0; c < DGEN_LV2_CONTROLS; ++c) {
    if (!self->control[c]) continue;
    float target = *self->control[c];
    if (!dgen_clamped(dgen_lv2_control_param[c], &target)) continue;
    float next = target;
    if (self->started) {
      const float now = self->current[c];
      next = now + (target - now) * self->smooth_step;
      if (next == now || fabsf(target - next) <= 1e-5f * fabsf(target) + 1e-12f) next = target;
    }
    if (next != self->current[c] || !self->started)
      dgen_set_param_v1(self->state, dgen_lv2_control_param[c], next);
    self->current[c] = next;
    moving |= next != target;
  }
  self->started = 1;
  return moving;
}

/* A voice's note param (clamped to its range). */
static void dgen_lv2_set_voice(dgen_lv2 *self, int param, uint32_t voice, float value) {
  if (param >= 0 && dgen_clamped((uint32_t)param, &value))
    memcpy(dgen_param_lane(self->state, (uint32_t)param, voice), &value, sizeof value);
}

/* Note on: the voice released longest ago, or else (stealing) the one pressed longest
   ago, whose gate drops for one frame so that its envelopes start again. */
static void dgen_lv2_note_on(dgen_lv2 *self, uint32_t key, uint32_t velocity) {
  uint32_t best = 0;
  for (uint32_t v = 1; v < DGEN_LANES; ++v) {
    const dgen_voice *a = &self->voice[v], *b = &self->voice[best];
    if (a->held != b->held ? !a->held : a->since < b->since) best = v;
  }
  dgen_voice *voice = &self->voice[best];
  if (voice->held) {
    dgen_lv2_set_voice(self, DGEN_NOTE_GATE, best, 0.0f);
    self->retrigger = 1;
  } else {
    dgen_lv2_set_voice(self, DGEN_NOTE_GATE, best, 1.0f);
  }
  voice->key = key;
  voice->held = 1;
  voice->since = ++self->clock;
  dgen_lv2_set_voice(self, DGEN_NOTE_PITCH, best, (float)(440.0 * pow(2.0, ((double)key - 69.0) / 12.0)));
  dgen_lv2_set_voice(self, DGEN_NOTE_VELOCITY, best, (float)velocity / 127.0f);
}

static void dgen_lv2_note_off(dgen_lv2 *self, uint32_t key, int all) {
  for (uint32_t v = 0; v < DGEN_LANES; ++v)
    if (self->voice[v].held && (all || self->voice[v].key == key)) {
      self->voice[v].held = 0;
      self->voice[v].since = ++self->clock;
      dgen_lv2_set_voice(self, DGEN_NOTE_GATE, v, 0.0f);
    }
}

static void dgen_lv2_midi_message(dgen_lv2 *self, const uint8_t *m, uint32_t size) {
  if (size < 3) return;
  const uint8_t status = m[0] & 0xf0;
  if (status == 0x90 && m[2] > 0) dgen_lv2_note_on(self, m[1] & 0x7f, m[2] & 0x7f);
  else if (status == 0x80 || status == 0x90) dgen_lv2_note_off(self, m[1] & 0x7f, 0);
  else if (status == 0xb0 && (m[1] == 120 || m[1] == 123)) dgen_lv2_note_off(self, 0, 1);
}

/* Renders frames [from, to) of the host's buffers. */
static void dgen_lv2_render(dgen_lv2 *self, uint32_t from, uint32_t to) {
  const dgen_context_v1 ctx = {1, sizeof(dgen_context_v1), (float)self->sample_rate};
  const float *in[DGEN_NUM_INPUTS + 1] = {0};
  float *out[DGEN_NUM_OUTPUTS + 1] = {0};
  for (size_t k = 0; k < DGEN_NUM_INPUTS; ++k) in[k] = self->audio_in[k] ? self->audio_in[k] + from : 0;
  for (size_t k = 0; k < DGEN_NUM_OUTPUTS; ++k) out[k] = self->audio_out[k] + from;
  dgen_process_v1(in, out, to - from, self->state, &ctx);
  self->frame += to - from;
}

static void dgen_lv2_run(LV2_Handle h, uint32_t frames) {
  dgen_lv2 *self = (dgen_lv2 *)h;
  for (size_t k = 0; k < DGEN_NUM_OUTPUTS; ++k)
    if (!self->audio_out[k]) return;
  if (self->latency) *self->latency = (float)DGEN_LATENCY;
  const char *event = 0, *end = 0;
  if (DGEN_LV2_MIDI && self->midi) {
    event = (const char *)(self->midi + 1);
    end = (const char *)&self->midi->unit + self->midi->atom.size;
  }
  int moving = 1;
  uint32_t done = 0;
  while (done < frames) {
    /* The events of this frame (a sequence is in time order). */
    uint32_t to = frames;
    for (; event && event < end; ) {
      const LV2_Atom_Event *e = (const LV2_Atom_Event *)event;
      if (e->frames > (int64_t)done) {
        if (e->frames < (int64_t)to) to = (uint32_t)e->frames;
        break;
      }
      if (e->body.type == self->midi_event)
        dgen_lv2_midi_message(self, (const uint8_t *)(e + 1), e->body.size);
      event += (sizeof(LV2_Atom_Event) + e->body.size + 7u) & ~7u;
    }
    if (self->frame % DGEN_SMOOTH_FRAMES == 0 || !self->started) moving = dgen_lv2_smooth(self);
    if (moving) {
      const uint64_t step_end = self->frame + DGEN_SMOOTH_FRAMES - self->frame % DGEN_SMOOTH_FRAMES;
      if (step_end - self->frame < to - done) to = done + (uint32_t)(step_end - self->frame);
    }
    if (self->retrigger) to = done + 1;
    dgen_lv2_render(self, done, to);
    if (self->retrigger) {
      for (uint32_t v = 0; v < DGEN_LANES; ++v)
        if (self->voice[v].held) dgen_lv2_set_voice(self, DGEN_NOTE_GATE, v, 1.0f);
      self->retrigger = 0;
    }
    done = to;
  }
}

static void dgen_lv2_cleanup(LV2_Handle h) {
  dgen_lv2 *self = (dgen_lv2 *)h;
  free(self->state);
  free(self);
}

static const void *dgen_lv2_extension_data(const char *uri) {
  (void)uri;
  return 0;
}

static const LV2_Descriptor dgen_lv2_descriptor = {
    DGEN_LV2_URI, dgen_lv2_instantiate, dgen_lv2_connect, dgen_lv2_activate, dgen_lv2_run,
    0, dgen_lv2_cleanup, dgen_lv2_extension_data};

__attribute__((visibility("default"))) const LV2_Descriptor *lv2_descriptor(uint32_t index) {
  return index == 0 ? &dgen_lv2_descriptor : 0;
}
)";

// A C string literal of `s` (a URI: printable ASCII).
std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) throw Error("plugin: the LV2 URI must be printable ASCII: " + s);
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<Lv2Port> lv2_ports(const PluginSpec& spec, size_t num_outputs) {
  std::vector<Lv2Port> ports;
  std::set<std::string> taken;
  for (size_t i = 0; i < spec.params.size(); ++i)
    if (role_of(spec, i) == NoteRole::none)
      ports.push_back({Lv2Port::Kind::control, i, unique_symbol(spec.params[i]->name, taken)});
  for (size_t k = 0; k < spec.input_channels.size(); ++k)
    ports.push_back({Lv2Port::Kind::audio_in, k,
                     unique_symbol("in_" + std::to_string(spec.input_channels[k]), taken)});
  for (size_t k = 0; k < num_outputs; ++k)
    ports.push_back(
        {Lv2Port::Kind::audio_out, k, unique_symbol("out_" + std::to_string(k + 1), taken)});
  if (spec.latency > 0)
    ports.push_back({Lv2Port::Kind::latency, 0, unique_symbol("latency", taken)});
  if (has_notes(spec)) ports.push_back({Lv2Port::Kind::midi, 0, unique_symbol("midi_in", taken)});
  return ports;
}

std::string lv2_functions(const PluginSpec& spec, size_t num_outputs, uint32_t lanes) {
  if (spec.lv2_uri.empty()) throw Error("plugin: an LV2 plugin needs a URI");
  if (has_notes(spec) && note_param(spec, NoteRole::gate) == "-1")
    throw Error("plugin: an instrument needs a param with @note gate");
  if (!has_notes(spec) && lanes != 1)
    throw Error("plugin: only an instrument (a param with @note gate) has several voices");
  std::string controls;
  for (const Lv2Port& p : lv2_ports(spec, num_outputs))
    if (p.kind == Lv2Port::Kind::control) controls += std::to_string(p.index) + "u, ";
  std::string src = "\n/* ---- LV2 (docs/PLUGIN.md, \"LV2\") ---- */\n";
  src += "#define DGEN_LV2_URI " + c_string(spec.lv2_uri) + "\n";
  src += "#define DGEN_LV2_MIDI " + std::string(has_notes(spec) ? "1" : "0") + "\n";
  src += "#define DGEN_LV2_LATENCY " + std::string(spec.latency > 0 ? "1u" : "0u") + "\n";
  src += "#define DGEN_LATENCY " + std::to_string(spec.latency) + "\n";
  src += "#define DGEN_NOTE_GATE " + note_param(spec, NoteRole::gate) + "\n";
  src += "#define DGEN_NOTE_PITCH " + note_param(spec, NoteRole::pitch) + "\n";
  src += "#define DGEN_NOTE_VELOCITY " + note_param(spec, NoteRole::velocity) + "\n";
  const size_t num_controls = size_t(std::count(controls.begin(), controls.end(), ','));
  src += "#define DGEN_LV2_CONTROLS " + std::to_string(num_controls) + "u\n";
  src += "static const uint32_t dgen_lv2_control_param[] = {" + controls + "0};\n";
  return src + kLv2Functions;
}

}  // namespace dgen

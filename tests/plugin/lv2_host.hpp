// A test host written against lilv, the library LV2 hosts use (docs/PLUGIN.md, "LV2"):
// it finds a plugin by URI in a bundle the way a host finds one on LV2_PATH, instantiates
// it with the URID map feature, connects every port, and runs it block by block with MIDI
// notes on its Atom input.
#pragma once
#include <lilv/lilv.h>
#include <lv2/urid/urid.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "plugin/lv2_midi.hpp"

namespace dgen::test {

struct MidiNote {
  int64_t frame;                  // of the whole stream
  uint8_t status, key, velocity;  // 0x90 note on, 0x80 note off
};

class Lv2Host {
 public:
  // Loads the bundle in `bundle_dir` (a directory ending in '/' as lilv wants it) and
  // instantiates the plugin `uri` at `sample_rate`.
  Lv2Host(const std::string& bundle_dir, const std::string& uri, double sample_rate) {
    world_ = lilv_world_new();
    LilvNode* bundle = lilv_new_file_uri(world_, nullptr, (bundle_dir + "/").c_str());
    lilv_world_load_bundle(world_, bundle);
    lilv_node_free(bundle);
    LilvNode* plugin_uri = lilv_new_uri(world_, uri.c_str());
    plugin_ = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world_), plugin_uri);
    lilv_node_free(plugin_uri);
    if (!plugin_) throw std::runtime_error("lilv finds no plugin " + uri + " in " + bundle_dir);
    map_ = {this, [](LV2_URID_Map_Handle h, const char* u) {
              auto& ids = static_cast<Lv2Host*>(h)->ids_;
              return ids.emplace(u, uint32_t(ids.size() + 1)).first->second;
            }};
    map_feature_ = {LV2_URID__map, &map_};
    const LV2_Feature* features[] = {&map_feature_, nullptr};
    instance_ = lilv_plugin_instantiate(plugin_, sample_rate, features);
    if (!instance_) throw std::runtime_error("the plugin " + uri + " did not instantiate");
    connect_ports();
    lilv_instance_activate(instance_);
  }
  ~Lv2Host() {
    if (instance_) {
      lilv_instance_deactivate(instance_);
      lilv_instance_free(instance_);
    }
    lilv_world_free(world_);
  }
  Lv2Host(const Lv2Host&) = delete;
  Lv2Host& operator=(const Lv2Host&) = delete;

  // Sets the control port `symbol` (an error when there is none).
  void set(const std::string& symbol, float value) {
    const auto it = controls_.find(symbol);
    if (it == controls_.end()) throw std::runtime_error("no control port " + symbol);
    control_values_[it->second] = value;
  }
  float latency() const {
    return latency_index_ < 0 ? -1 : control_values_[size_t(latency_index_)];
  }
  size_t num_outputs() const { return outputs_.size(); }

  // Renders `frames` frames in blocks of `block`, sending `notes` at their frames; one
  // vector per audio output.
  std::vector<std::vector<float>> render(int64_t frames, uint32_t block,
                                         const std::vector<MidiNote>& notes = {}) {
    std::vector<std::vector<float>> out(outputs_.size(), std::vector<float>(size_t(frames)));
    silence_.assign(block, 0.0f);  // every audio input
    for (int64_t at = 0; at < frames; at += block) {
      const uint32_t n = uint32_t(std::min<int64_t>(block, frames - at));
      fill_midi(at, n, notes);
      for (size_t k = 0; k < inputs_.size(); ++k)
        lilv_instance_connect_port(instance_, inputs_[k], silence_.data());
      for (size_t k = 0; k < outputs_.size(); ++k)
        lilv_instance_connect_port(instance_, outputs_[k], out[k].data() + at);
      lilv_instance_run(instance_, n);
    }
    return out;
  }

 private:
  void connect_ports() {
    LilvNode* audio = lilv_new_uri(world_, LILV_URI_AUDIO_PORT);
    LilvNode* control = lilv_new_uri(world_, LILV_URI_CONTROL_PORT);
    LilvNode* atom = lilv_new_uri(world_, LV2_ATOM__AtomPort);
    LilvNode* input = lilv_new_uri(world_, LILV_URI_INPUT_PORT);
    const uint32_t n = lilv_plugin_get_num_ports(plugin_);
    control_values_.assign(n, 0.0f);
    std::vector<float> defaults(n, 0.0f);
    lilv_plugin_get_port_ranges_float(plugin_, nullptr, nullptr, defaults.data());
    for (uint32_t i = 0; i < n; ++i) {
      const LilvPort* port = lilv_plugin_get_port_by_index(plugin_, i);
      const bool is_input = lilv_port_is_a(plugin_, port, input);
      if (lilv_port_is_a(plugin_, port, control)) {
        control_values_[i] = defaults[i];
        lilv_instance_connect_port(instance_, i, &control_values_[i]);
        const std::string symbol = lilv_node_as_string(lilv_port_get_symbol(plugin_, port));
        if (is_input)
          controls_[symbol] = i;
        else if (symbol == "latency")
          latency_index_ = int(i);
      } else if (lilv_port_is_a(plugin_, port, audio)) {
        (is_input ? inputs_ : outputs_).push_back(i);
      } else if (lilv_port_is_a(plugin_, port, atom)) {
        midi_ = std::make_unique<MidiSequence>(map_);
        lilv_instance_connect_port(instance_, i, midi_->data());
      }
    }
    for (LilvNode* node : {audio, control, atom, input}) lilv_node_free(node);
  }

  // The notes in [at, at + n), at frames relative to the block.
  void fill_midi(int64_t at, uint32_t n, const std::vector<MidiNote>& notes) {
    if (!midi_) return;
    midi_->clear();
    for (const MidiNote& note : notes)
      if (note.frame >= at && note.frame < at + n)
        midi_->add(note.frame - at, note.status, note.key, note.velocity);
  }

  LilvWorld* world_ = nullptr;
  const LilvPlugin* plugin_ = nullptr;
  LilvInstance* instance_ = nullptr;
  std::map<std::string, uint32_t> ids_;
  LV2_URID_Map map_{};
  LV2_Feature map_feature_{};
  std::vector<float> control_values_, silence_;
  std::map<std::string, uint32_t> controls_;
  std::vector<uint32_t> inputs_, outputs_;
  std::unique_ptr<MidiSequence> midi_;
  int latency_index_ = -1;
};

}  // namespace dgen::test

// The MIDI input of an LV2 instrument as a host fills it for each block: an Atom sequence
// of MIDI events (docs/PLUGIN.md, "Instruments"). The test host and bench_plugin use it.
#pragma once
#include <lv2/atom/atom.h>
#include <lv2/atom/util.h>
#include <lv2/midi/midi.h>
#include <lv2/urid/urid.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace dgen::test {

class MidiSequence {
 public:
  explicit MidiSequence(const LV2_URID_Map& map)
      : sequence_type_(map.map(map.handle, LV2_ATOM__Sequence)),
        midi_type_(map.map(map.handle, LV2_MIDI__MidiEvent)) {
    clear();
  }
  void* data() { return words_.data(); }  // what the port is connected to

  // An empty sequence.
  void clear() {
    LV2_Atom_Sequence head{};
    head.atom.type = sequence_type_;
    head.atom.size = sizeof(LV2_Atom_Sequence_Body);
    std::memcpy(bytes(), &head, sizeof head);
  }

  // Appends a three-byte MIDI message at `frame` of the block (events in time order).
  void add(int64_t frame, uint8_t status, uint8_t key, uint8_t velocity) {
    LV2_Atom_Sequence head;
    std::memcpy(&head, bytes(), sizeof head);
    const size_t at = sizeof(LV2_Atom) + head.atom.size;
    const uint32_t size = uint32_t(lv2_atom_pad_size(sizeof(LV2_Atom_Event) + 3));
    if (at + size > words_.size() * sizeof(uint64_t))
      throw std::runtime_error("MidiSequence: too many events for one block");
    LV2_Atom_Event event{};
    event.time.frames = frame;
    event.body.type = midi_type_;
    event.body.size = 3;
    const uint8_t message[3] = {status, key, velocity};
    std::memcpy(bytes() + at, &event, sizeof event);
    std::memcpy(bytes() + at + sizeof event, message, sizeof message);
    head.atom.size += size;
    std::memcpy(bytes(), &head, sizeof head);
  }

 private:
  char* bytes() { return reinterpret_cast<char*>(words_.data()); }
  uint32_t sequence_type_, midi_type_;
  std::vector<uint64_t> words_ = std::vector<uint64_t>(512);  // 8-byte aligned
};

}  // namespace dgen::test

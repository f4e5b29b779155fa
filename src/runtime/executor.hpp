// The interface both backends implement: a compiled schedule that owns its state and
// renders frames. Outputs are [frame][element][lane] floats per output of the schedule.
#pragma once
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace dgen {

struct RunIO {
  std::vector<std::span<const float>> inputs;  // by channel - 1; empty span = silence
  std::vector<float*> outputs;                 // by output index
  int64_t frames = 0;
  double sample_rate = 44100;
};

// A host input for a run of `frames` frames: the input itself when it is long enough,
// else a copy in `storage` padded with zeros (inputs shorter than the run read silence
// after their end).
inline std::span<const float> padded_input(std::span<const float> input, int64_t frames,
                                           std::vector<float>& storage) {
  if (int64_t(input.size()) >= frames) return input.first(size_t(frames));
  storage.assign(size_t(frames), 0.0f);
  std::copy(input.begin(), input.end(), storage.begin());
  return storage;
}

class Executor {
 public:
  virtual ~Executor() = default;
  virtual void reset() = 0;               // fresh state: zeros, initial values, literals
  virtual void run(const RunIO& io) = 0;  // continues from the current state
  // Host access to the state of graph node `node` (its StateVar `var`, every lane, as
  // [element][lane] doubles), and to the frame counter the next run starts from. The
  // gradient runtime moves tapes, gradient sums and checkpoints through these.
  virtual std::vector<double> read_state(int node, int var) const = 0;
  virtual void write_state(int node, int var, std::span<const double> values) = 0;
  // Copies state `from_var` of `from_node` in `from` (same element count and lanes) into
  // this executor's `var` of `node`: how tapes move from the forward program to the
  // backward one. Backends override it to copy without converting through doubles.
  virtual void copy_state(int node, int var, const Executor& from, int from_node, int from_var) {
    write_state(node, var, from.read_state(from_node, from_var));
  }
  virtual void seek(int64_t frame) = 0;
};

}  // namespace dgen

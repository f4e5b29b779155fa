// The interface both backends implement: a compiled schedule that owns its state and
// renders frames. Outputs are [frame][element][lane] floats per output of the schedule.
#pragma once
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "runtime/host_floats.hpp"

namespace dgen {

struct RunIO {
  std::vector<std::span<const float>> inputs;  // by channel - 1; empty span = silence
  std::vector<float*> outputs;                 // by output index; nullptr = not wanted here
  int64_t frames = 0;
  double sample_rate = 44100;
  // When > 0, every output is wanted summed over its lanes, [frame][element] with
  // `output_elements[k]` elements, `summed_lanes` being the program's lanes: all a caller
  // needs of a value every lane shares (an input's gradient), and a GPU then copies lanes
  // times less back.
  int64_t summed_lanes = 0;
  std::vector<int64_t> output_elements;
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
  virtual void reset() = 0;  // fresh state: zeros, initial values, literals
  // Renders io.frames frames, continuing from the current state. Lane sums a backend does
  // not do itself are summed here from every lane's output.
  void run(const RunIO& io) {
    if (io.summed_lanes == 0 || sums_lanes()) return render(io);
    RunIO wide = io;
    wide.summed_lanes = 0;
    std::vector<std::vector<float>> lanes(io.outputs.size());
    const auto L = size_t(io.summed_lanes);
    for (size_t k = 0; k < io.outputs.size(); ++k) {
      if (!io.outputs[k]) continue;
      lanes[k].resize(size_t(io.frames * io.output_elements[k]) * L);
      wide.outputs[k] = lanes[k].data();
    }
    render(wide);
    for (size_t k = 0; k < io.outputs.size(); ++k)
      for (size_t row = 0; row < lanes[k].size() / L; ++row) {
        float sum = 0;
        for (size_t l = 0; l < L; ++l) sum += lanes[k][row * L + l];
        io.outputs[k][row] = sum;
      }
  }
  // Host memory for `count` floats of a program's outputs, which every run writes in
  // full (an out() writes its row every frame): page-locked where the backend copies
  // outputs from a GPU, heap memory otherwise.
  virtual HostFloats host_floats(size_t count) const { return HostFloats::heap(count); }
  // Where the last run left output k in GPU memory (a CUdeviceptr), or 0 when the backend
  // renders into host memory.
  virtual uint64_t device_output(size_t /*k*/) const { return 0; }
  // Host access to the state of graph node `node` (its StateVar `var`, every lane, as
  // [element][lane] doubles), and to the frame counter the next run starts from. The
  // gradient runtime moves tapes, gradient sums and checkpoints through these.
  virtual std::vector<double> read_state(int node, int var) const = 0;
  virtual void write_state(int node, int var, std::span<const double> values) = 0;
  // Copies state `from_var` of `from_node` in `from` (same element count and lanes) into
  // this executor's `var` of `node`: how tapes move from the forward program to the
  // backward one where the two do not share an arena (the interpreter's; C and CUDA
  // programs read them in place: runtime/tape_arena.hpp). Backends override it to copy
  // without converting through doubles.
  virtual void copy_state(int node, int var, const Executor& from, int from_node, int from_var) {
    write_state(node, var, from.read_state(from_node, from_var));
  }
  // copy_state for each of `copies`, which a backend may overlap (on a GPU: one wait for
  // all, not one per tape).
  struct StateCopy {
    int node, var, from_node, from_var;
  };
  virtual void copy_states(const Executor& from, std::span<const StateCopy> copies) {
    for (const StateCopy& c : copies) copy_state(c.node, c.var, from, c.from_node, c.from_var);
  }
  virtual void seek(int64_t frame) = 0;

 protected:
  // run's work: outputs as [frame][element][lane], or summed over lanes when io asks and
  // sums_lanes() says the backend does that itself.
  virtual void render(const RunIO& io) = 0;
  virtual bool sums_lanes() const { return false; }
};

}  // namespace dgen

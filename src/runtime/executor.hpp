// The interface both backends implement: a compiled schedule that owns its state and
// renders frames. Outputs are [frame][element][lane] floats per output of the schedule.
#pragma once
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

class Executor {
 public:
  virtual ~Executor() = default;
  virtual void reset() = 0;            // fresh state: zeros, initial values, literals
  virtual void run(const RunIO& io) = 0;  // continues from the current state
};

}  // namespace dgen

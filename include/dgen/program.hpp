// Program: a compiled patch for repeated use (compile once, run many times, set params
// between runs, stream with preserved state, read the outputs of several `out`s).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dgen/param.hpp"
#include "dgen/value.hpp"

namespace dgen {

// Where a program runs (docs/CLI.md, "Backends"): Auto picks C when a compiler is found,
// else the interpreter; Cuda runs on an NVIDIA GPU (an Error says what is missing without one).
enum class Backend { Auto, C, Interp, Cuda };

struct RenderOptions {
  double sample_rate = 44100;
  Backend backend = Backend::Auto;
  int lanes = 1;
  bool preserve_state = false;  // continue from the state the last run left
  // Cuda only: run() leaves the outputs in GPU memory (Program::device_output) and copies
  // nothing back, for work that goes on on the GPU; output() and channel() then throw.
  bool outputs_on_device = false;
  // Cuda only: compile with the GPU's fast approximations (sine, cosine, exp, log and
  // division in a few instructions, subnormals flushed to zero; NVRTC's --use_fast_math):
  // faster where the arithmetic, not memory, bounds a program (a filter whose coefficients
  // change every sample), at the cost of accuracy: sine and cosine within about 5e-7 for
  // arguments in [-pi, pi], worse as arguments grow (docs/CLI.md, "Fast math"). The C
  // backend is always compiled with -ffast-math less reassociation and ignores it.
  bool fast_math = false;
};

// Audio for `in(channel)`: frames samples shared by every lane.
struct InputChannel {
  int channel = 1;
  std::span<const float> samples;
};

class Program {
 public:
  // Compiles the graph reachable from `outputs` (normally out() nodes; any other value
  // is rendered as if it were an out() on channel 1 + its position).
  Program(std::vector<Value> outputs, RenderOptions options = {});
  ~Program();
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;

  // Renders `frames` frames. Starts from a fresh state unless options.preserve_state.
  void run(int64_t frames, const std::vector<InputChannel>& inputs = {});
  void reset();  // the next run starts from a fresh state even when preserving

  // Output of the i-th value given to the constructor, as [frame][element][lane]. Valid
  // until the next run, which writes into the same memory while it fits (on CUDA
  // page-locked host memory, which the copy from the GPU fills fastest).
  std::span<const float> output(size_t index) const;
  size_t output_count() const;
  // With RenderOptions::outputs_on_device, where the last run left output `index` in GPU
  // memory (a CUdeviceptr, [frame][element][lane] floats), valid until the next run.
  uint64_t device_output(size_t index) const;
  // Output by 1-based channel of an out() node.
  std::span<const float> channel(int channel) const;

  void set_param(const std::string& name, float value);
  std::vector<Param> params() const;  // every param the graph reads

  Backend backend() const;            // the backend actually used
  const std::string& source() const;  // generated C ("" for the interpreter)
  std::string describe() const;       // the schedule: regions, rates, buffers
  const RenderOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dgen

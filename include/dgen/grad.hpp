// Gradients (SPEC §3, §5): exact reverse mode through time.
//
// backward(loss, frames) differentiates Σ_t loss[t] over a run of `frames` frames (a
// static loss: its value; a tensor loss: the sum of its elements; with lanes: the sum
// over lanes) with respect to every Param the loss reads, ADDS the result to each
// param's grad and returns the loss. A run starts from a fresh state.
//
// The backward program runs in reverse time and reads the forward values it needs from
// a tape. Memory stays bounded for long runs: the run is split into segments of K
// frames; the forward pass keeps only a checkpoint of the state at each segment start,
// and the backward pass re-runs each segment's forward (from the last) to fill the tape.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dgen/param.hpp"
#include "dgen/program.hpp"
#include "dgen/value.hpp"

namespace dgen {

struct GradOptions {
  // Frames per checkpoint segment (rounded up to a multiple of every hop in the
  // program); 0 = automatic: the longest segment whose tape fits in tape_budget_bytes.
  int64_t checkpoint = 0;
  // 0 = the backend's: 4 MiB on the CPU (a tape that stays in cache is faster than one
  // long segment: re-running a segment's forward costs less than streaming a large tape
  // through memory twice); on a GPU 1/16 of its memory up to 4 GiB (each segment costs
  // kernel launches and checkpoint copies).
  int64_t tape_budget_bytes = 0;
  // Also differentiate with respect to the host inputs: GradProgram::input_grad(channel)
  // after a run (what a caller needs to pass gradients on to whatever made the inputs).
  bool input_grads = false;
  // With input_grads, only these channels; empty: every channel the loss reads. A loss
  // against a target needs no gradient of the target: naming the other channels leaves
  // the target's side out of the backward program (half of a spectral loss's backward).
  std::vector<int> input_grad_channels = {};
};

// Compiles the forward and backward programs of a loss once, for training loops. The
// programs are compiled when the first run shows how long a segment is (again only if
// a later run needs another segment length); identical structure hits the compile cache.
class GradProgram {
 public:
  // `outputs`: values to render alongside the loss (as Program renders them); out() nodes
  // the loss reads are also available by channel.
  explicit GradProgram(const Value& loss, RenderOptions options = {}, GradOptions grad_options = {},
                       std::vector<Value> outputs = {});
  ~GradProgram();
  GradProgram(GradProgram&&) noexcept;
  GradProgram& operator=(GradProgram&&) noexcept;

  // Runs forward and backward over `frames` frames: adds the gradient to every param's
  // grad and returns the loss.
  double run(int64_t frames, const std::vector<InputChannel>& inputs = {});
  // Runs forward only and returns the loss (no gradient).
  double forward(int64_t frames, const std::vector<InputChannel>& inputs = {});

  // The last run's rendering of outputs[index], or of the out() on `channel`, as
  // [frame][element][lane] floats.
  std::span<const float> output(size_t index) const;
  std::span<const float> channel(int channel) const;

  // With GradOptions::input_grads, the last run's gradient of the loss with respect to
  // the host input on `channel`, one value per frame (summed over lanes, which share
  // their inputs); zeros for a channel the loss does not depend on. Throws for a channel
  // that GradOptions::input_grad_channels leaves out.
  std::vector<float> input_grad(int channel) const;

  std::vector<Param> params() const;  // every param the loss reads
  int64_t segment_frames() const;     // K of the last run
  Backend backend() const;            // the backend actually used
  std::string describe() const;       // both schedules

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot: GradProgram(loss, options, grad_options).run(frames, inputs).
double backward(const Value& loss, int64_t frames, const RenderOptions& options = {},
                const std::vector<InputChannel>& inputs = {}, const GradOptions& grad_options = {});

}  // namespace dgen

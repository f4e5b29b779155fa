// Autodiff as a graph -> graph transform (DESIGN §1, §2).
//
// From the graph of a loss it builds two programs of ordinary ops: the forward program
// (the loss graph, plus a float64 sum of the loss over frames and tape writes of every
// forward value the backward reads) and the backward program (adjoint rules of the op
// table applied in reverse topological order; it runs in reverse time and ends in one
// float64 sum over frames of each param's adjoint). Both are scheduled and rendered
// like any other program.
#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "dgen/param.hpp"
#include "ir/node.hpp"

namespace dgen {

struct Differentiated {
  Differentiated() = default;
  Differentiated(Differentiated&&) noexcept = default;
  Differentiated& operator=(Differentiated&&) noexcept;
  // Frees the backward program's history cells (see backward_cells).
  ~Differentiated();

  bool static_loss = false;  // the loss is static: both programs are static only
  NodeRef loss_sum;          // forward: frame_sum of the loss
  struct Tape {
    NodeRef write;  // forward tape_write (two reads of one value at two rates share it)
    NodeRef read;   // backward tape_read, same capacity, hop and shape
    int64_t elements = 0, hop = 1;
    bool alike = false;  // stored once for every lane (StateVar::lanes_alike)
  };
  std::vector<Tape> tapes;
  struct Grad {
    std::shared_ptr<ParamData> param;
    NodeRef sum;  // backward frame_sum of the param's adjoint (one per lane)
  };
  std::vector<Grad> grads;
  // With input gradients: the adjoint of the host input on `channel` per frame, as the
  // value of a backward out() (one lane column each), the sum over every in(channel).
  struct InputGrad {
    int channel = 1;
    NodeRef out;
  };
  std::vector<InputGrad> input_grads;
  // Every hop of the forward program divides it: segments start on multiples of it, so
  // every hop value is recomputed on a segment's first frame.
  int64_t hop_lcm = 1;
  // The history cells of the backward program. A cell keeps its writes alive and a
  // recurrence's write depends on its reads, which keep the cell alive: an ownership
  // cycle. The backward program is this object's, so its destructor breaks them.
  std::vector<std::shared_ptr<Cell>> backward_cells;

  std::vector<NodeRef> forward_outputs() const;   // loss_sum, then the tape writes
  std::vector<NodeRef> backward_outputs() const;  // the gradient sums, then input_grads
  // Tape bytes a frame needs in `lanes` lanes (tapes stored once counted once).
  double tape_bytes_per_frame(int64_t lanes) const;
};

// The host inputs a backward program differentiates (GradOptions::input_grads and
// input_grad_channels): none, every channel (`channels` empty) or the listed ones.
struct InputGrads {
  bool on = false;
  std::vector<int> channels = {};
  bool wants(int channel) const {
    return on && (channels.empty() ||
                  std::find(channels.begin(), channels.end(), channel) != channels.end());
  }
};

// Differentiates Σ_t loss[t] over a run (a static loss: its value; a tensor loss: the
// sum of its elements) with respect to every param it reads. Tapes hold `tape_frames`
// frames, the longest segment the programs can run. Throws dgen::Error ("no gradient
// for op 'X'") when an adjoint reaches an op that has no rule and is not marked
// zero_derivative. Host inputs `inputs` wants are differentiated too (input_grads).
Differentiated differentiate(const Value& loss, int64_t tape_frames, const InputGrads& inputs = {});

// For each param, why d loss / d param is structurally zero ("" when there is a path that
// carries a derivative): the loss does not read it, or every path from it to the loss
// passes through ops with a zero derivative (comparisons, floor, noise...), which it names.
// `dgen train` reports such params as unable to learn (docs/TRAINING.md).
std::vector<std::string> why_no_gradient(const Value& loss, const std::vector<Param>& params);

}  // namespace dgen

// What an op's adjoint (vector-Jacobian product) rule sees (DESIGN §2 "backward is a
// program that runs in reverse time").
//
// Autodiff is a graph -> graph transform: a rule builds ordinary nodes of the backward
// program, which runs frames from the last to the first. At frame t a rule reads the
// adjoint of its node's output at t (grad), the forward values of its inputs and output
// at t (in, out: read from a tape the forward run fills, or the static value itself) and
// adds the adjoint contributions of its inputs at t. State that carries adjoints from a
// later frame to an earlier one is an ordinary history cell of the backward program: its
// read at frame t returns what its write stored at frame t + 1.
//
// Contributions may have any shape that broadcasts with the input's: add() sums them
// over the broadcast dimensions, and moves them between rates (the adjoint of a hop
// value held for h frames is the sum over those frames; a hop node contributes to a
// frame-rate input on its hop frames only).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "dgen/value.hpp"
#include "ir/node.hpp"

namespace dgen {

class AdjointBuilder;  // the transform (autodiff/transform.cpp)

struct AdjointCtx {
  const Node& node;
  int index;  // the node's index in the forward graph
  AdjointBuilder& builder;

  // The adjoint of this node's output at the current frame; has_grad() is false when
  // none reaches it (then grad() is 0).
  bool has_grad() const;
  Value grad() const;
  // Whether input i leads back to a param (its adjoint is wanted).
  bool needs(int input) const;
  // Forward values at the current frame, as the backward program reads them.
  Value in(int input) const;
  Value out() const;
  // Any value of the forward graph (e.g. one a rule builds from forward_in()), as the
  // backward program reads it: the forward program is extended to tape it.
  Value forward(const Value& forward_value) const;
  Value forward_in(int input) const { return Value(node.inputs[size_t(input)]); }
  // Adds a contribution to the adjoint of input i. `timing` says on which frames the
  // contribution holds: by default on the frames of the node's rate (a hop node's on its
  // hop frames); a rule whose backward work happens every frame (a ring that scatters
  // back) passes Rate::frame().
  void add(int input, const Value& contribution, std::optional<Rate> timing = std::nullopt) const;

  // History cells: the adjoint that the reads of this node's cell received at the next
  // frame (nullopt unless this is the write whose value the reads see), and a
  // contribution of a read to it.
  std::optional<Value> cell_next() const;
  void add_to_cell(const Value& contribution) const;

  // Buffers: cells that ops access element by element (cell_peek, cell_poke). The adjoint
  // of a buffer's contents is the state of a backward cell of its shape, which the rules
  // of its writes take from and those of its reads add to, in place. The writes' rules
  // share one node that takes from it: the first of them visited (the rule of the last
  // write to run) has `build` make it from that cell and the contexts of every write of
  // the buffer, in the order they run, with one element per write; each rule gets its own.
  using BuildTake = std::function<Value(const std::shared_ptr<Cell>& adjoint,
                                        const std::vector<AdjointCtx>& writes)>;
  Value buffer_take(const BuildTake& build) const;
  // The backward cell of a read's buffer; nullptr when no write took from it: none carries
  // an adjoint, or the cell is written whole (a read then uses add_to_cell).
  std::shared_ptr<Cell> buffer_adjoint() const;
};

}  // namespace dgen

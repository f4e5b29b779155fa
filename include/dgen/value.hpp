// Value: an immutable handle to a node of a dgen graph (SPEC §1).
//
// There is no global graph: a Value shares ownership of the node that computes it and,
// through it, of everything upstream. Building a new graph never invalidates an old one.
// "Tensor" (a static value) and "Signal" (a frame-rate value) are names for the same
// handle; the rate is a property of the node, checked by the op rules.
#pragma once
#include <memory>
#include <vector>

#include "dgen/shape.hpp"

namespace dgen {

struct Node;
using NodeRef = std::shared_ptr<const Node>;

struct RenderOptions;

class Value {
 public:
  Value(double constant);  // NOLINT: numbers convert to static scalar constants
  Value(int constant) : Value(static_cast<double>(constant)) {}
  explicit Value(NodeRef node);

  const Shape& shape() const;
  Rate rate() const;
  const NodeRef& node() const { return node_; }

  // Renders this value alone for `frames` frames and returns it as
  // [frame][element][lane] floats (a quick way to look at any value).
  std::vector<float> realize(int64_t frames, const RenderOptions& options) const;
  std::vector<float> realize(int64_t frames) const;

 private:
  NodeRef node_;
};

using Signal = Value;
using Tensor = Value;

}  // namespace dgen

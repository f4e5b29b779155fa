// Graph IR nodes. A node is immutable once built: op, value inputs, attributes, and the
// shape and rate its op's rules computed at construction. State that spans frames is
// owned by the op that declares it (history cells are shared by their reads and writes).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dgen/param.hpp"
#include "dgen/shape.hpp"
#include "dgen/value.hpp"

namespace dgen {

struct OpDef;

// Integer and real attributes; what each position means is documented by the op.
struct Attrs {
  std::vector<int64_t> ints;
  std::vector<double> reals;
  bool operator==(const Attrs&) const = default;
};

// A history cell: the state shared by its read and write nodes. The cell keeps its
// writes alive (a write is usually not reachable from any output); a write refers back
// to its cell weakly so the pair forms no ownership cycle.
struct Cell {
  Shape shape;
  std::vector<float> init;  // empty = zeros
  int64_t hop = 1;
  std::string name;
  std::vector<NodeRef> writes;
};

struct Node {
  const OpDef* op = nullptr;
  std::vector<NodeRef> inputs;  // value edges
  Attrs attrs;
  Shape shape;
  Rate rate;
  std::shared_ptr<Cell> cell;             // history_read
  std::weak_ptr<Cell> written_cell;       // history_write
  std::shared_ptr<ParamData> param;       // param
  std::shared_ptr<const std::vector<float>> data;  // tensor literal

  const Cell* state_cell() const;  // the cell of a read or write, or nullptr
  int64_t size() const { return numel(shape); }
};

// What a node is built from besides its inputs and attributes.
struct NodeExtras {
  std::shared_ptr<Cell> cell = nullptr;
  std::weak_ptr<Cell> written_cell = {};
  std::shared_ptr<ParamData> param = nullptr;
  std::shared_ptr<const std::vector<float>> data = nullptr;
};

// Builds a node of the named op: checks arity, runs the op's shape and rate rules (which
// throw dgen::Error naming the op and the shapes), and returns the handle.
Value make(std::string_view op, std::vector<Value> inputs, Attrs attrs = {},
           NodeExtras extras = {});

}  // namespace dgen

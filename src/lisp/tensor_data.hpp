// Literal tensor contents: nested lists of numbers, written in a patch or read from a
// JSON file (a flat array, nested arrays, or {"shape": [...], "data": [...]}).
#pragma once
#include <string>
#include <vector>

#include "dgen/shape.hpp"
#include "lisp/datum.hpp"

namespace dgen::lisp {

struct TensorData {
  Shape shape;  // from the nesting of the lists
  std::vector<float> values;
};

// Both throw dgen::Error with a message saying what is wrong (ragged lists, values
// that are not finite numbers, too many elements, unreadable or malformed files).
TensorData tensor_from_list(const Datum& list);
TensorData tensor_from_json_file(const std::string& path);

}  // namespace dgen::lisp

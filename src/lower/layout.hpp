// The buffer layout of dgen (docs/ARCHITECTURE.md, "Lanes innermost"): every buffer is
// [element][lane], so lane l of element e lives at e * L + l, except the rows a GPU's
// window keeps to itself (row_lane_major) and state every lane holds alike (alike_index). The
// generated code (the lowering) and the host side (arena initialisation, executors) index it
// through these.
#pragma once
#include <cstdint>
#include <string>

namespace dgen::layout {

// Code: the index of element `flat` (an int64 expression) of the lane `l` in scope, or of
// lane `lane` (lane 0 holds a value every lane shares: lower/lowering.hpp, find_shared).
inline std::string index(const std::string& flat, const std::string& lane = "l") {
  return "(" + flat + ") * L + " + lane;
}

// Code: element `flat` of row `row` of a `m`-element value, lanes outermost within the
// row ([row][lane][element]). Only for the rows a CTA's window keeps to itself on a GPU
// (lowering.hpp, window_private): a window's threads take adjacent elements of one lane, so
// their loads and stores of those rows coalesce whatever the lane tile's width.
inline std::string row_lane_major(const std::string& row, const std::string& m,
                                  const std::string& flat, const std::string& lane = "l") {
  return "((" + row + ") * L + " + lane + ") * " + m + " + (" + flat + ")";
}

// Code: the index of element `flat` of state every lane holds alike (StateVar::lanes_alike:
// a tape of a value every lane shares), stored once, without the lane dimension.
inline std::string alike_index(const std::string& flat) { return "(" + flat + ")"; }

// Host: the index of element `e` of lane `l` in a buffer of `lanes` lanes.
constexpr int64_t index(int64_t e, int64_t l, int64_t lanes) { return e * lanes + l; }

}  // namespace dgen::layout

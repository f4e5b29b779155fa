// The one buffer layout of dgen (docs/ARCHITECTURE.md, "Lanes innermost"): every buffer
// is [element][lane], so lane l of element e lives at e * L + l. The generated code (the
// lowering) and the host side (arena initialisation, executors) index it through these.
#pragma once
#include <cstdint>
#include <string>

namespace dgen::layout {

// Code: the index of element `flat` (an int64 expression) of the lane `l` in scope.
inline std::string index(const std::string& flat) { return "(" + flat + ") * L + l"; }

// Host: the index of element `e` of lane `l` in a buffer of `lanes` lanes.
constexpr int64_t index(int64_t e, int64_t l, int64_t lanes) { return e * lanes + l; }

}  // namespace dgen::layout

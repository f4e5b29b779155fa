// Values every lane shares (docs/ARCHITECTURE.md, "Lanes innermost"): what a backend may
// compute once, in lane 0, for all lanes.
#pragma once
#include <vector>

#include "analysis/graph.hpp"

namespace dgen {

// Per node: its value is the same in every lane. True when its op is not
// OpDef::per_lane, it is not one of the program's outputs (the host reads those lane by
// lane), every input's is and, for a history cell's read or write, every write of its
// cell's is (its state then evolves alike in every lane). Host inputs are shared by every
// lane; params never count as shared, since a run may set them per lane. A loss's target
// side (its frames, spectra, levels) is shared; the prediction's is not.
std::vector<bool> lane_shared(const Graph& g);

}  // namespace dgen

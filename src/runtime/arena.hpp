// The arena of a compiled program: filling it with a fresh state, and writing the
// current param values into it before a run. Shared by every compiled backend and by
// the plugin ABI (which gets the same layout).
#pragma once
#include "schedule/schedule.hpp"

namespace dgen {

// Zeros (but for scratch state), then literals, initial state (op init_state) and params,
// every lane.
void init_arena(const Schedule& s, char* arena);
// Writes every param's current value (shared or per lane) into its slot.
void write_params(const Schedule& s, char* arena);
// Throws dgen::Error when a param holds the wrong number of values (one per element, or
// one per element and lane when per lane). Every backend checks before a run.
void check_param_sizes(const Graph& g, int64_t lanes);

}  // namespace dgen

// The arena of a compiled program: filling it with a fresh state, and writing the
// current param values into it before a run. Shared by every compiled backend and by
// the plugin ABI (which gets the same layout).
#pragma once
#include <span>
#include <vector>

#include "schedule/schedule.hpp"

namespace dgen {

// A byte range of an arena.
struct ArenaRange {
  int64_t offset = 0, bytes = 0;
};
// The ranges a fresh state zeros, merged where adjacent: the persistent buffers but for
// scratch state (StateVar::scratch, written before it is read), or the transient ones.
// Literals, initial state and params lie in the persistent ones.
std::vector<ArenaRange> fresh_ranges(const Schedule& s, bool persistent);

// What a fresh state does with the transient buffers (the values a run computes: a
// block's frames, the windows of a hop, the tapes). Every byte of them is written before
// it is read within a run, so a reset may leave them as they are; filled with NaN, a read
// before a write shows as NaN in an output (tests/runtime/test_arena.cpp).
enum class TransientFill { Leave, Zero, Poison };
// A backend's reset: leaves them, or, in builds with assertions (the sanitizer
// configuration runs every test so), fills them with NaN.
#ifdef NDEBUG
inline constexpr TransientFill kResetTransient = TransientFill::Leave;
#else
inline constexpr TransientFill kResetTransient = TransientFill::Poison;
#endif

// Zeros the persistent fresh_ranges and fills the transient ones as asked, then writes
// literals, initial state (op init_state) and params, every lane.
void init_arena(const Schedule& s, char* arena, TransientFill transient);
// Writes every param's current value (shared or per lane) into its slot.
void write_params(const Schedule& s, char* arena);
// State variable `var` of node `node` in the arena: `count` floats or doubles from
// `offset`, elements × lanes ([element][lane]), or only elements where every lane holds
// them alike (StateVar::lanes_alike: stored once).
struct StateSpan {
  int64_t offset = 0, count = 0;
  bool f64 = false, alike = false;
  size_t bytes() const { return size_t(count) * (f64 ? sizeof(double) : sizeof(float)); }
};
StateSpan state_span(const Schedule& s, int node, int var);
// What Executor::read_state gives (every lane, [element][lane] doubles) from a state's
// `count` values, and back: state every lane holds alike is given for each lane and taken
// from lane 0.
std::vector<double> every_lane(const StateSpan& span, std::vector<double> stored, int64_t lanes);
std::vector<double> stored_of(const StateSpan& span, std::span<const double> every, int64_t lanes);
// Executor::read_state and write_state on an arena in host memory (the C backend's).
std::vector<double> read_arena_state(const Schedule& s, const char* arena, int node, int var);
void write_arena_state(const Schedule& s, char* arena, int node, int var,
                       std::span<const double> every);

// Throws dgen::Error when a param holds the wrong number of values (one per element, or
// one per element and lane when per lane). Every backend checks before a run.
void check_param_sizes(const Graph& g, int64_t lanes);

}  // namespace dgen

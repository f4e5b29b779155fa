// Reclaims history feedback loops that nothing outside them references.
//
// A feedback loop is a reference cycle by construction: a cell owns its writes (they are
// usually reachable from no output), a write owns its inputs, which lead to the cell's
// reads, which own the cell. Reference counting alone never frees such a loop, so every
// cell is registered here and `collect_cycles()` does a trial deletion: it counts the
// references that come from inside the loops, keeps whatever is referenced from outside
// (a Value, History or Program handle) and everything reachable from it, and clears the
// write lists of the remaining cells, which lets reference counting free them.
// It runs every so many new cells and at process exit. Graph building is assumed to
// happen on one thread at a time while it runs.
#pragma once
#include <memory>

namespace dgen {
struct Cell;
void register_cell(const std::shared_ptr<Cell>& cell);
void collect_cycles();
}  // namespace dgen

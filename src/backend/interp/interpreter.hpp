// The reference interpreter (DESIGN §2): evaluates the Graph IR in double precision,
// node by node in topological order, frame by frame, lane by lane. Slow and obviously
// correct; the oracle for the compiled backends and the fallback when no C compiler is
// found. It reads only the graph (not the schedule's regions), so it checks them too.
#pragma once
#include <memory>

#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

std::unique_ptr<Executor> make_interpreter(const Schedule& schedule);

}  // namespace dgen

// Runs a schedule through generated C (render_c + compile_c).
#pragma once
#include <memory>

#include "backend/c/compiler.hpp"
#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

// Compiles `source` (render_c of `schedule`) and runs it. Throws dgen::Error when no
// compiler is found or the code fails to compile. With `arena_owner` (a C executor whose
// schedule's arena spans this one's: Schedule::arena_base), it runs in that executor's
// arena instead of its own.
std::unique_ptr<Executor> make_c_executor(const Schedule& schedule, const std::string& source,
                                          CompileStats* stats = nullptr,
                                          const Executor* arena_owner = nullptr);

}  // namespace dgen

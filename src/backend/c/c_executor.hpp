// Runs a schedule through generated C (render_c + compile_c).
#pragma once
#include <memory>

#include "backend/c/compiler.hpp"
#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

// Compiles `source` (render_c of `schedule`) and runs it. Throws dgen::Error when no
// compiler is found or the code fails to compile.
std::unique_ptr<Executor> make_c_executor(const Schedule& schedule, const std::string& source,
                                          CompileStats* stats = nullptr);

}  // namespace dgen

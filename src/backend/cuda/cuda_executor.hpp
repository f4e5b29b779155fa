// Runs a schedule on the GPU through generated CUDA (render_cuda + NVRTC): the arena lives
// in device memory (initialised on the host and uploaded), params are uploaded before each
// run, inputs and outputs copied per run, state read, written and copied on the device.
#pragma once
#include <memory>
#include <string>

#include "lir/lir.hpp"
#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

// Compiles `source` (render_cuda of `schedule`) for this machine's GPU and runs it. Throws
// dgen::Error when there is no GPU, the code fails to compile, or memory runs out (naming
// the size). With `arena_owner` (a CUDA executor whose schedule's arena spans this one's:
// Schedule::arena_base), it runs in that executor's arena instead of its own.
std::unique_ptr<Executor> make_cuda_executor(const Schedule& schedule, const std::string& source,
                                             const Executor* arena_owner = nullptr);

// The source of `schedule` for this machine's GPU: its CTAs sized to the GPU's shared
// memory (device_cta_shape), as the executor launches them; the defaults where there is
// no GPU (the source `dgen info` prints).
std::string render_cuda_for_device(const Schedule& schedule, lir::Block* lir);

}  // namespace dgen

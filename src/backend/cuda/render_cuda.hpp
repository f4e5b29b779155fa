// Renders a schedule as CUDA C++: the loop IR of the shared lowering (lower/lower.hpp)
// with one thread per lane. Kernels (extern "C"):
//   dgen_run(char *arena, const float *const *in, float *const *out, int64_t frames, double sr)
//     launched over at least L threads: thread l runs lane l through the static region and
//     every block of frames, region by region, frames serial within the thread (lanes are
//     independent, and the [element][lane] layout makes a warp's loads adjacent);
//   dgen_finish(char *arena, int64_t frames)
//     one thread, after dgen_run: the work done once per run (the frame counter), which
//     no lane may do while others still read it.
// `in` and `out` are device arrays of device pointers, laid out as the C backend's.
#pragma once
#include <string>

#include "lir/lir.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

std::string render_cuda(const Schedule& s, lir::Block* lir = nullptr);

}  // namespace dgen

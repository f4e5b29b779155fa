// The generated CUDA of a schedule (render_cuda) compiled for the CPU and run by the CUDA
// executor's launch plan, one thread after another: a check of the CUDA mapping (kernels,
// T0 and b0 per block, frames × lanes grids) without a GPU. Test-only.
//
// Running every thread of a grid serially is a valid schedule for a kernel whose threads
// are independent; the CTAs of a region of windows, whose threads share a window and meet
// at barriers, run as a few host threads each (one CTA at a time). With
// `reverse_frame_threads(true)` the frames × lanes kernels run their threads from the last to the
// first: if some frame of such a kernel depended on another, the two orders would give different
// outputs (each thread's arithmetic is the same in both, so independent frames give the same bits).
#pragma once
#include <memory>

#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen::test {

class CudaOnCpu : public Executor {
 public:
  virtual void reverse_frame_threads(bool backwards) = 0;  // from the next run
};

// Compiles render_cuda(schedule) with the system C++ compiler and loads it.
std::unique_ptr<CudaOnCpu> make_cuda_on_cpu(const Schedule& schedule);

}  // namespace dgen::test

// The CUDA tests' kernel: a one-pole recurrence y[t] = a * y[t-1] + x[t] per lane, lanes as
// threads, frames serial, buffers [frame][lane] so a warp's loads are adjacent (the layout
// of dgen's buffers, docs/ARCHITECTURE.md "Lanes innermost").
#pragma once
#include <cmath>
#include <string>

namespace dgen::test {

inline const std::string kOnePoleSource = R"(
extern "C" __global__ void one_pole(const float* a, const float* x, float* y, int frames, int lanes) {
  const int lane = blockIdx.x * blockDim.x + threadIdx.x;
  if (lane >= lanes) return;
  const float pole = a[lane];
  float state = 0.0f;
  for (int t = 0; t < frames; ++t) {
    state = pole * state + x[t * lanes + lane];
    y[t * lanes + lane] = state;
  }
}
)";

// y[t] for x = 1 from y[-1] = 0: the geometric sum (1 - a^(t+1)) / (1 - a).
inline double one_pole_step_response(double a, int t) { return (1 - std::pow(a, t + 1)) / (1 - a); }

}  // namespace dgen::test

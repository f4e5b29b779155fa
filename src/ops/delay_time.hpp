// How a delay line reads a delay time, shared by the delay and the ops its adjoint needs
// (docs/LANGUAGE.md, delay): the time is clamped to [0, max - 1] frames, a NaN time is
// 0 (no delay), and it splits into whole frames back and the interpolation's fraction.
#pragma once
#include <cstdint>
#include <string>

namespace dgen {

struct DelaySplit {
  int64_t di;   // whole frames back
  double frac;  // towards one frame further back
  bool inside;  // the time was not clamped
};
DelaySplit split_delay_time(double d, int64_t max);

// The same as C statements for the float expression `d`: declares d_ (clamped), in_,
// di_ and fr_.
std::string c_split_delay_time(const std::string& d, int64_t max);

}  // namespace dgen

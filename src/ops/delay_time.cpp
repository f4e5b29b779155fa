#include "ops/delay_time.hpp"

#include <cmath>

#include "ops/emit_util.hpp"

namespace dgen {

// `d > 0 ? ... : 0` rather than `d < 0 ? 0 : ...`: a NaN fails every comparison, so it
// takes the 0 branch instead of reaching the integer conversion (undefined for NaN).
DelaySplit split_delay_time(double d, int64_t max) {
  const double hi = double(max - 1);
  const bool inside = d >= 0 && d <= hi;
  d = d > 0 ? (d < hi ? d : hi) : 0;
  const auto di = static_cast<int64_t>(std::floor(d));
  return {di, d - double(di), inside};
}

std::string c_split_delay_time(const std::string& d, int64_t max) {
  const std::string hi = c_float(double(max - 1));
  return "float d_ = " + d + "; const int in_ = d_ >= 0.0f && d_ <= " + hi +
         "; d_ = d_ > 0.0f ? (d_ < " + hi + " ? d_ : " + hi +
         ") : 0.0f; const int64_t di_ = (int64_t)d_; const float fr_ = d_ - (float)di_;";
}

}  // namespace dgen

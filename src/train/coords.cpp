#include "train/coords.hpp"

#include <algorithm>
#include <cmath>

#include "dgen/error.hpp"

namespace dgen::train {

UnitCoordinate UnitCoordinate::for_range(double min, double max) {
  if (!std::isfinite(min) || !std::isfinite(max) || !(min < max))
    throw Error("a trained param needs finite bounds with min < max, got [" + std::to_string(min) +
                ", " + std::to_string(max) + "]");
  return {min, max, min > 0 && max / min >= kLogRangeRatio};
}

double UnitCoordinate::to_unit(double value) const {
  value = std::clamp(value, min, max);
  const double u = log ? std::log(value / min) / std::log(max / min) : (value - min) / (max - min);
  return std::clamp(u, 0.0, 1.0);
}

double UnitCoordinate::from_unit(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  // Exact at both ends, so a param trained to a bound lands on the bound itself.
  if (u == 0) return min;
  if (u == 1) return max;
  return log ? min * std::pow(max / min, u) : min + u * (max - min);
}

double UnitCoordinate::dvalue_du(double u) const {
  return log ? from_unit(u) * std::log(max / min) : max - min;
}

}  // namespace dgen::train

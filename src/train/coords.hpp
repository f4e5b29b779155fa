// The optimiser's view of a bounded param: a coordinate u in [0, 1] (SPEC §7 `train`).
//
// Training in u instead of the param's own units gives every param the same step scale,
// whatever its range (a cutoff in Hz next to a gain in [0, 1]). A wide positive range
// (min > 0 and max/min >= 100: frequencies, times) is mapped logarithmically so that
// equal steps in u are equal ratios in value, as the ear hears them.
#pragma once

namespace dgen::train {

struct UnitCoordinate {
  double min = 0, max = 1;
  bool log = false;

  // The mapping for a param bounded by [min, max] (min < max, both finite).
  static UnitCoordinate for_range(double min, double max);

  double to_unit(double value) const;  // clamped into [0, 1]
  double from_unit(double u) const;    // u clamped into [0, 1]
  // d value / d u at u: the factor that turns a gradient in value into one in u.
  double dvalue_du(double u) const;
};

// max / min at and above which a positive range gets log coordinates.
inline constexpr double kLogRangeRatio = 100;

}  // namespace dgen::train

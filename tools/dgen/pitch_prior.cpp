#include "pitch_prior.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "train/coords.hpp"
#include "train/target_analysis.hpp"

namespace dgen::cli {

std::string seed_pitch_from_target(lisp::Patch& patch, const std::vector<Param>& trained,
                                   std::span<const float> target, double sample_rate,
                                   train::SearchOptions& search) {
  std::string lines;
  for (lisp::ParamInfo& info : patch.params) {
    Param& p = info.param;
    const bool is_trained = std::any_of(trained.begin(), trained.end(),
                                        [&](const Param& t) { return t.data() == p.data(); });
    if (info.note != "pitch" || !is_trained || p.values().size() != 1 ||
        p.values()[0] != info.default_value)
      continue;
    const double lo = *p.data()->min, hi = *p.data()->max;
    const std::optional<double> f0 = train::pitch_seed(target, sample_rate, lo, hi);
    if (!f0) continue;
    const auto coordinate = train::UnitCoordinate::for_range(lo, hi);
    const double semitone = std::pow(2.0, 1.0 / 12.0);
    search.radii[p.name()] =
        std::max(std::fabs(coordinate.to_unit(*f0 * semitone) - coordinate.to_unit(*f0)),
                 std::fabs(coordinate.to_unit(*f0) - coordinate.to_unit(*f0 / semitone)));
    char line[200];
    std::snprintf(line, sizeof line,
                  "%s: starts at the target's fundamental, %.2f %s (the patch's %g), searched "
                  "within a semitone (--pitch-prior off: from the patch's value)\n",
                  p.name().c_str(), *f0, p.data()->unit.empty() ? "Hz" : p.data()->unit.c_str(),
                  double(info.default_value));
    lines += line;
    p.set(float(*f0));
  }
  return lines;
}

}  // namespace dgen::cli

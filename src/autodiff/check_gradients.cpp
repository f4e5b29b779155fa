#include "autodiff/check_gradients.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dgen {
namespace {

// The power of two nearest to `v` (v > 0).
double power_of_two_near(double v) { return std::exp2(std::round(std::log2(v))); }

}  // namespace

std::string GradCheckResult::report() const {
  std::string out;
  for (const GradCheckEntry& e : entries) {
    char line[256];
    std::snprintf(line, sizeof line, "%s[%zu]: analytic %.12g numeric %.12g error %.3g\n",
                  e.param.c_str(), e.element, e.analytic, e.numeric, e.error);
    out += line;
  }
  return out;
}

GradCheckResult check_gradients(const Value& loss, const std::vector<Param>& params,
                                const GradCheckOptions& options) {
  GradProgram program(loss, options.render, options.grad);
  std::vector<std::vector<double>> saved;
  for (const Param& p : params) {
    saved.push_back(p.grad());
    p.data()->grad.assign(p.values().size(), 0.0);
  }
  program.run(options.frames);

  GradCheckResult result;
  for (size_t k = 0; k < params.size(); ++k) {
    ParamData& p = *params[k].data();
    for (size_t e = 0; e < p.value.size(); ++e) {
      const float value = p.value[e];
      const double h = power_of_two_near(options.relative_step *
                                         std::max<double>(std::fabs(value), options.min_scale));
      // The slope between two float32 points around the value, as evaluated.
      auto slope = [&](double step) {
        const float up = float(value + step), down = float(value - step);
        p.value[e] = up;
        const double l_up = program.forward(options.frames);
        p.value[e] = down;
        const double l_down = program.forward(options.frames);
        p.value[e] = value;
        return (l_up - l_down) / (double(up) - double(down));
      };
      const double numeric = (4 * slope(h) - slope(2 * h)) / 3;
      result.entries.push_back({p.name, e, p.grad[e], numeric, 0});
    }
    p.grad = saved[k];
  }
  double scale = 0;
  for (const GradCheckEntry& e : result.entries) scale = std::max(scale, std::fabs(e.numeric));
  for (GradCheckEntry& e : result.entries) {
    const double denom =
        std::max({std::fabs(e.analytic), std::fabs(e.numeric), 1e-3 * scale, 1e-300});
    e.error = std::fabs(e.analytic - e.numeric) / denom;
    result.max_error = std::max(result.max_error, e.error);
  }
  result.ok = result.max_error <= options.tolerance;
  return result;
}

}  // namespace dgen

#include "train/polish.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dgen/error.hpp"

namespace dgen::train {

namespace {

double dot(const UnitPoint& a, const UnitPoint& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

bool all_finite(const UnitPoint& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

// Armijo's sufficient decrease: the loss falls by at least this fraction of what the
// gradient promises for the step taken.
constexpr double kArmijo = 1e-4;

}  // namespace

Polish::Polish(UnitPoint start, PolishOptions options)
    : options_(options), x_(std::move(start)), sd_step_(options.first_step) {
  if (options.memory < 1 || !(options.first_step > 0) || !(options.min_step > 0))
    throw Error("polish: memory must be >= 1, first_step and min_step > 0");
  for (double& u : x_) u = std::clamp(u, 0.0, 1.0);
}

// A coordinate at a face of the unit box whose gradient pushes it out stays where it is.
static bool held_at_face(double x, double g) { return (x <= 0 && g > 0) || (x >= 1 && g < 0); }

UnitPoint Polish::steepest_descent() const {
  UnitPoint d(g_.size(), 0.0);
  double widest = 0;
  for (size_t i = 0; i < g_.size(); ++i)
    if (!held_at_face(x_[i], g_[i])) {
      d[i] = -g_[i];
      widest = std::max(widest, std::fabs(d[i]));
    }
  if (widest > 0)
    for (double& v : d) v *= sd_step_ / widest;
  return d;
}

// L-BFGS's two loops (Nocedal & Wright, algorithm 7.4) over the free coordinates, the
// first guess of the inverse Hessian scaled by the newest pair's s·y / y·y.
UnitPoint Polish::direction() const {
  if (pairs_.empty()) return steepest_descent();
  UnitPoint q = g_;
  for (size_t i = 0; i < q.size(); ++i)
    if (held_at_face(x_[i], g_[i])) q[i] = 0;
  std::vector<double> a(pairs_.size());
  for (size_t k = pairs_.size(); k-- > 0;) {
    const auto& [s, y] = pairs_[k];
    a[k] = dot(s, q) / dot(s, y);
    for (size_t i = 0; i < q.size(); ++i) q[i] -= a[k] * y[i];
  }
  const auto& [s_new, y_new] = pairs_.back();
  const double gamma = dot(s_new, y_new) / dot(y_new, y_new);
  for (double& v : q) v *= gamma;
  for (size_t k = 0; k < pairs_.size(); ++k) {
    const auto& [s, y] = pairs_[k];
    const double b = dot(y, q) / dot(s, y);
    for (size_t i = 0; i < q.size(); ++i) q[i] += s[i] * (a[k] - b);
  }
  for (size_t i = 0; i < q.size(); ++i) q[i] = held_at_face(x_[i], g_[i]) ? 0 : -q[i];
  return q;
}

std::vector<UnitPoint> Polish::trials(int lanes) {
  if (lanes < 1) throw Error("polish: lanes must be >= 1");
  if (!started_ || stopped_) return std::vector<UnitPoint>(size_t(lanes), x_);
  d_ = direction();
  if (!(dot(d_, g_) < 0)) {  // not downhill: the pairs' curvature is stale
    pairs_.clear();
    d_ = steepest_descent();
  }
  std::vector<UnitPoint> points;
  alphas_.clear();
  // One lane tries the full step; more lanes try twice it first, then halve.
  const int longest = lanes > 1 ? 1 : 0;
  for (int j = 0; j < lanes; ++j) {
    alphas_.push_back(alpha0_ * std::ldexp(1.0, longest - j));
    UnitPoint p = x_;
    for (size_t i = 0; i < p.size(); ++i)
      p[i] = std::clamp(p[i] + alphas_.back() * d_[i], 0.0, 1.0);
    points.push_back(std::move(p));
  }
  tried_ = points;
  return points;
}

bool Polish::observe(const std::vector<double>& losses, const std::vector<UnitPoint>& grads) {
  if (stopped_) return false;
  if (!started_) {
    started_ = true;
    f_ = losses.empty() ? std::numeric_limits<double>::infinity() : losses[0];
    if (!std::isfinite(f_) || grads.empty() || !all_finite(grads[0])) return !(stopped_ = true);
    g_ = grads[0];
    return true;
  }
  if (alphas_.size() != losses.size() || grads.size() != losses.size())
    throw Error("polish: observe() needs a loss and a gradient for every trial");
  size_t best = losses.size();
  for (size_t j = 0; j < losses.size(); ++j) {
    if (!std::isfinite(losses[j]) || !all_finite(grads[j])) continue;
    UnitPoint s = step_to(j);
    if (losses[j] <= f_ + kArmijo * dot(g_, s) && losses[j] < f_ &&
        (best == losses.size() || losses[j] < losses[best]))
      best = j;
  }
  last_step_ = 0;
  if (best == losses.size()) {
    // The longest step tried; the next trials are all shorter than any tried.
    double longest = 0;
    for (size_t j = 0; j < tried_.size(); ++j)
      for (double v : step_to(j)) longest = std::max(longest, std::fabs(v));
    alpha0_ = alphas_.back() / (tried_.size() > 1 ? 4 : 2);
    if (++failures_ == 2) {  // down the gradient again, by half the last step that worked
      pairs_.clear();
      alpha0_ = 0.5;
    }
    return !(stopped_ = failures_ > 2 && longest < options_.min_step);
  }
  UnitPoint s = step_to(best), y(g_.size());
  for (size_t i = 0; i < y.size(); ++i) y[i] = grads[best][i] - g_[i];
  const double sy = dot(s, y);
  if (sy > 1e-12 * std::sqrt(dot(s, s) * dot(y, y))) {  // curvature along s is positive
    pairs_.emplace_back(s, y);
    if (int(pairs_.size()) > options_.memory) pairs_.pop_front();
  }
  sd_step_ = 0;
  for (double v : s) sd_step_ = std::max(sd_step_, std::fabs(v));
  last_step_ = sd_step_;
  x_ = tried_[best];
  f_ = losses[best];
  g_ = grads[best];
  failures_ = 0;
  // A quasi-Newton step's natural length is 1; steepest descent grows from the length
  // that worked.
  alpha0_ = pairs_.empty() ? alphas_[best] : 1.0;
  return true;
}

UnitPoint Polish::step_to(size_t j) const {
  UnitPoint s(x_.size());
  for (size_t i = 0; i < s.size(); ++i) s[i] = tried_[j][i] - x_[i];
  return s;
}

}  // namespace dgen::train

// The polish (train/polish.hpp) on closed forms: a curved valley (Rosenbrock's), an
// ill-conditioned quadratic whose minimum it must reach in few iterations, a minimum
// outside the unit box, and trial points where the loss is not finite.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "train/polish.hpp"

namespace dgen::train {
namespace {

struct Objective {
  std::function<double(const UnitPoint&)> f;
  std::function<UnitPoint(const UnitPoint&)> grad;
};

// Drives the polish for at most `iterations` observations; returns how many it took
// before it stopped (or `iterations`).
int run(Polish& polish, const Objective& o, int lanes, int iterations) {
  for (int k = 0; k < iterations; ++k) {
    const std::vector<UnitPoint> points = polish.trials(lanes);
    EXPECT_EQ(points.size(), size_t(lanes));
    std::vector<double> losses;
    std::vector<UnitPoint> grads;
    for (const UnitPoint& p : points) {
      for (double u : p) {
        EXPECT_GE(u, 0.0);
        EXPECT_LE(u, 1.0);
      }
      losses.push_back(o.f(p));
      grads.push_back(o.grad(p));
    }
    if (!polish.observe(losses, grads)) return k + 1;
  }
  return iterations;
}

// (a − x)² + 100 (y − x²)², its minimum at (a, a²) at the bottom of a curved valley
// whose floor Adam follows slowly.
Objective rosenbrock(double a) {
  return {[a](const UnitPoint& p) {
            return (a - p[0]) * (a - p[0]) + 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0]);
          },
          [a](const UnitPoint& p) {
            const double r = p[1] - p[0] * p[0];
            return UnitPoint{-2 * (a - p[0]) - 400 * p[0] * r, 200 * r};
          }};
}

TEST(Polish, FollowsACurvedValleyToItsMinimum) {
  Polish polish({0.1, 0.9});
  const int used = run(polish, rosenbrock(0.6), 4, 300);
  EXPECT_NEAR(polish.point()[0], 0.6, 1e-4);
  EXPECT_NEAR(polish.point()[1], 0.36, 1e-4);
  EXPECT_LT(polish.loss(), 1e-8);
  EXPECT_LT(used, 300) << "it should stop once no trial lowers the loss";
  EXPECT_TRUE(polish.stopped());
}

// Σ_i λ_i (v_i · (x − c))² with eigenvalues 1 to 10⁴ along rotated axes v_i.
Objective ill_conditioned(const UnitPoint& c) {
  const size_t n = c.size();
  auto axis = [n](size_t i, size_t j) {  // an orthonormal basis (a DCT-II's rows)
    const double scale = i == 0 ? std::sqrt(1.0 / double(n)) : std::sqrt(2.0 / double(n));
    return scale * std::cos(M_PI * double(i) * (double(j) + 0.5) / double(n));
  };
  auto lambda = [n](size_t i) { return std::pow(1e4, double(i) / double(n - 1)); };
  auto projections = [=](const UnitPoint& p) {
    std::vector<double> z(n, 0.0);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j) z[i] += axis(i, j) * (p[j] - c[j]);
    return z;
  };
  return {[=](const UnitPoint& p) {
            const std::vector<double> z = projections(p);
            double f = 0;
            for (size_t i = 0; i < n; ++i) f += lambda(i) * z[i] * z[i];
            return f;
          },
          [=](const UnitPoint& p) {
            const std::vector<double> z = projections(p);
            UnitPoint g(n, 0.0);
            for (size_t i = 0; i < n; ++i)
              for (size_t j = 0; j < n; ++j) g[j] += 2 * lambda(i) * z[i] * axis(i, j);
            return g;
          }};
}

TEST(Polish, ReachesAnIllConditionedQuadraticsMinimumInFewIterations) {
  const UnitPoint c = {0.3, 0.55, 0.42, 0.61, 0.47, 0.52};
  // With one lane each iteration tries one step length; with four it also tries twice and
  // a half and a quarter of it, and gets there in fewer.
  for (const auto& [lanes, iterations] : {std::pair{1, 150}, std::pair{4, 50}}) {
    Polish polish(UnitPoint(6, 0.5));
    run(polish, ill_conditioned(c), lanes, iterations);
    for (size_t i = 0; i < c.size(); ++i)
      EXPECT_NEAR(polish.point()[i], c[i], 1e-4) << "lanes " << lanes << ", coordinate " << i;
  }
}

TEST(Polish, StopsAtTheFaceOfTheUnitBox) {
  const Objective outside = {
      [](const UnitPoint& p) { return (p[0] - 1.5) * (p[0] - 1.5) + (p[1] - 0.3) * (p[1] - 0.3); },
      [](const UnitPoint& p) {
        return UnitPoint{2 * (p[0] - 1.5), 2 * (p[1] - 0.3)};
      }};
  Polish polish({0.2, 0.8});
  const int used = run(polish, outside, 4, 200);
  EXPECT_DOUBLE_EQ(polish.point()[0], 1.0);
  EXPECT_NEAR(polish.point()[1], 0.3, 1e-5);
  EXPECT_LT(used, 200);
}

// Where a trial's loss is not finite (a filter that blew up), the polish takes another
// trial or a shorter step; it never lands there.
TEST(Polish, PassesOverTrialsWhoseLossIsNotFinite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Objective cliff = {
      [nan](const UnitPoint& p) { return p[0] > 0.7 ? nan : (p[0] - 0.9) * (p[0] - 0.9); },
      [nan](const UnitPoint& p) { return UnitPoint{p[0] > 0.7 ? nan : 2 * (p[0] - 0.9)}; }};
  for (int lanes : {1, 4}) {
    Polish polish({0.1});
    run(polish, cliff, lanes, 200);
    EXPECT_LE(polish.point()[0], 0.7);
    EXPECT_GT(polish.point()[0], 0.69) << "lanes " << lanes;
    EXPECT_TRUE(std::isfinite(polish.loss()));
  }
}

TEST(Polish, StopsAtOnceWhenTheStartHasNoFiniteLoss) {
  Polish polish({0.5});
  polish.trials(2);
  EXPECT_FALSE(polish.observe({std::numeric_limits<double>::infinity(), 1.0}, {{0.0}, {0.0}}));
  EXPECT_TRUE(polish.stopped());
  EXPECT_DOUBLE_EQ(polish.point()[0], 0.5);
}

}  // namespace
}  // namespace dgen::train

// The optimiser's unit coordinates: which ranges get log coordinates, round trips, and
// the chain-rule factor.
#include <gtest/gtest.h>

#include <cmath>

#include "dgen/error.hpp"
#include "train/coords.hpp"

namespace dgen::train {
namespace {

TEST(UnitCoordinate, NarrowOrNonPositiveRangesAreLinear) {
  EXPECT_FALSE(UnitCoordinate::for_range(0, 1).log);
  EXPECT_FALSE(UnitCoordinate::for_range(1, 99).log);     // ratio 99 < 100
  EXPECT_FALSE(UnitCoordinate::for_range(0, 20000).log);  // min 0 has no log
  EXPECT_FALSE(UnitCoordinate::for_range(-10, 10000).log);
}

TEST(UnitCoordinate, WidePositiveRangesAreLog) {
  EXPECT_TRUE(UnitCoordinate::for_range(1, 100).log);
  EXPECT_TRUE(UnitCoordinate::for_range(20, 20000).log);
}

TEST(UnitCoordinate, LinearMapsEndsAndMiddle) {
  const auto c = UnitCoordinate::for_range(-2, 6);
  EXPECT_DOUBLE_EQ(c.to_unit(-2), 0);
  EXPECT_DOUBLE_EQ(c.to_unit(6), 1);
  EXPECT_DOUBLE_EQ(c.to_unit(2), 0.5);
  EXPECT_DOUBLE_EQ(c.from_unit(0.25), 0);
  EXPECT_DOUBLE_EQ(c.dvalue_du(0.7), 8);
}

TEST(UnitCoordinate, LogMapsEqualStepsToEqualRatios) {
  const auto c = UnitCoordinate::for_range(20, 20000);
  EXPECT_DOUBLE_EQ(c.from_unit(0), 20);
  EXPECT_DOUBLE_EQ(c.from_unit(1), 20000);
  // 20000/20 = 1000 = 10^3, so thirds of u are decades.
  EXPECT_NEAR(c.from_unit(1.0 / 3), 200, 1e-9);
  EXPECT_NEAR(c.from_unit(2.0 / 3), 2000, 1e-9);
  EXPECT_NEAR(c.to_unit(632.4555320336759), 0.5, 1e-12);  // the geometric mean
}

TEST(UnitCoordinate, RoundTripsInsideTheRange) {
  for (auto c : {UnitCoordinate::for_range(-3, 5), UnitCoordinate::for_range(0.01, 40),
                 UnitCoordinate::for_range(30, 18000)}) {
    for (double u = 0; u <= 1.0; u += 0.0625) {
      EXPECT_NEAR(c.to_unit(c.from_unit(u)), u, 1e-12) << c.min << ".." << c.max;
      const double v = c.from_unit(u);
      EXPECT_NEAR(c.from_unit(c.to_unit(v)), v, 1e-9 * (1 + std::fabs(v)));
    }
  }
}

TEST(UnitCoordinate, ClampsOutsideTheRange) {
  const auto c = UnitCoordinate::for_range(100, 1e4);
  EXPECT_DOUBLE_EQ(c.to_unit(1), 0);
  EXPECT_DOUBLE_EQ(c.to_unit(1e9), 1);
  EXPECT_DOUBLE_EQ(c.from_unit(-0.5), 100);
  EXPECT_DOUBLE_EQ(c.from_unit(1.5), 1e4);
}

TEST(UnitCoordinate, DerivativeMatchesFiniteDifferences) {
  for (auto c : {UnitCoordinate::for_range(-1, 3), UnitCoordinate::for_range(50, 12000)}) {
    for (double u : {0.1, 0.4, 0.9}) {
      const double h = 1e-6;
      const double fd = (c.from_unit(u + h) - c.from_unit(u - h)) / (2 * h);
      EXPECT_NEAR(c.dvalue_du(u), fd, 1e-6 * std::fabs(fd)) << "u = " << u;
    }
  }
}

TEST(UnitCoordinate, RejectsEmptyOrInfiniteRanges) {
  EXPECT_THROW(UnitCoordinate::for_range(1, 1), Error);
  EXPECT_THROW(UnitCoordinate::for_range(2, 1), Error);
  EXPECT_THROW(UnitCoordinate::for_range(0, INFINITY), Error);
}

}  // namespace
}  // namespace dgen::train

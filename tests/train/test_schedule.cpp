// The step schedule of `dgen train` (docs/TRAINING.md, "Step sizes"): warm-up, halving
// after `patience` epochs without progress, and the early stop after the last halving.
#include <gtest/gtest.h>

#include <limits>

#include "dgen/error.hpp"
#include "train/schedule.hpp"

namespace dgen::train {
namespace {

TEST(StepSchedule, WarmsUpLinearlyToTheFullRate) {
  const StepSchedule s({.lr = 0.02, .warmup = 4});
  EXPECT_DOUBLE_EQ(s.lr(1), 0.005);
  EXPECT_DOUBLE_EQ(s.lr(2), 0.01);
  EXPECT_DOUBLE_EQ(s.lr(4), 0.02);
  EXPECT_DOUBLE_EQ(s.lr(40), 0.02);
  EXPECT_DOUBLE_EQ(StepSchedule({.lr = 0.3, .warmup = 0}).lr(1), 0.3);
}

TEST(StepSchedule, HalvesAfterPatienceEpochsWithoutProgressThenStops) {
  StepSchedule s({.lr = 1, .warmup = 0, .patience = 3, .max_reductions = 2});
  s.observe(10);
  s.observe(5);  // progress
  s.observe(5);
  s.observe(4.9999);  // less than 0.01 % better: no progress
  EXPECT_EQ(s.reductions(), 0);
  s.observe(4.9999);  // the third epoch without progress
  EXPECT_EQ(s.reductions(), 1);
  EXPECT_DOUBLE_EQ(s.lr(100), 0.5);
  s.observe(4);  // progress resets the count
  s.observe(4);
  s.observe(4);
  EXPECT_EQ(s.reductions(), 1);
  s.observe(4);
  EXPECT_EQ(s.reductions(), 2);
  EXPECT_DOUBLE_EQ(s.lr(100), 0.25);
  EXPECT_FALSE(s.exhausted());
  for (int k = 0; k < 3; ++k) s.observe(4);
  EXPECT_TRUE(s.exhausted());
  EXPECT_EQ(s.reductions(), 2);
}

TEST(StepSchedule, NonFiniteLossesAreNoProgress) {
  StepSchedule s({.lr = 1, .warmup = 0, .patience = 2});
  s.observe(std::numeric_limits<double>::infinity());
  s.observe(std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.reductions(), 1);
}

TEST(StepSchedule, RejectsBadOptions) {
  EXPECT_THROW(StepSchedule({.lr = 0}), Error);
  EXPECT_THROW(StepSchedule({.lr = 1, .patience = 0}), Error);
}

}  // namespace
}  // namespace dgen::train

// Reductions (SPEC §2.4): sum, mean, max over all elements and along one axis, cumsum and
// softmax, against hand-computed values on the interpreter, the C backend against the
// interpreter at every rate, and the error messages of bad axes.
#include <cmath>

#include "ir/node.hpp"
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_backends_agree_at_every_rate;
using tensor_test::expect_error;
using tensor_test::expect_values;
using tensor_test::iota;
using tensor_test::vec;

// x = [[1, 2, 3], [4, 5, 6]]
Value x23() { return iota({2, 3}, 1); }

TEST(TensorReduceAll, SumMeanMax) {
  expect_values(sum(x23()), {}, {21});
  expect_values(mean(x23()), {}, {3.5});
  expect_values(max(x23()), {}, {6});
  expect_values(max(vec({-3, -1, -2})), {}, {-1});
  expect_values(sum(Value(2.5)), {}, {2.5});
}

TEST(TensorReduceAll, SumsAccumulateInDouble) {
  // 2^24 + 1 rounds back to 2^24 in float: a float accumulator would end at 0, not 1000.
  std::vector<float> data(1002, 1.0f);
  data.front() = 16777216.0f;
  data.back() = -16777216.0f;
  for (Backend b : {Backend::Interp, Backend::C}) {
    EXPECT_EQ(test::render1(sum(vec(data)), 1, b)[0], 1000.0f);
    EXPECT_EQ(test::render1(cumsum(vec(data)), 1, b)[1001], 1000.0f);
  }
}

TEST(TensorReduceAll, TakeExactlyOneInput) {
  for (const char* op : {"sum_all", "mean_all", "max_all"})
    expect_error(
        [op] {
          make(op, {x23(), x23()});
        },
        std::string(op) + ": expected 1 inputs, got 2");
}

TEST(TensorReduceAxis, SumMeanMaxAlongEachAxis) {
  expect_values(sum_axis(x23(), 0), {3}, {5, 7, 9});
  expect_values(sum_axis(x23(), 1), {2}, {6, 15});
  expect_values(sum_axis(x23(), -1), {2}, {6, 15});
  expect_values(mean_axis(x23(), 0), {3}, {2.5, 3.5, 4.5});
  expect_values(mean_axis(x23(), -1), {2}, {2, 5});
  expect_values(max_axis(x23(), 0), {3}, {4, 5, 6});
  expect_values(max_axis(tensor({2, 3}, {1, 9, -2, -7, -3, -5}), 1), {2}, {9, -3});
  expect_values(sum_axis(vec({1, 2, 3}), 0), {}, {6});
}

TEST(TensorReduceAxis, MiddleAxisOfThree) {
  // x[i, j, k] = 12 i + 4 j + k: Σ_j = 36 i + 12 + 3 k; max_j = 12 i + 8 + k.
  std::vector<double> sums, maxes;
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 4; ++k) {
      sums.push_back(36 * i + 12 + 3 * k);
      maxes.push_back(12 * i + 8 + k);
    }
  expect_values(sum_axis(iota({2, 3, 4}), 1), {2, 4}, sums);
  expect_values(max_axis(iota({2, 3, 4}), -2), {2, 4}, maxes);
}

TEST(TensorReduceAxis, AxisMustBeInRange) {
  expect_error([] { sum_axis(x23(), 2); }, "sum_axis: axis 2 is out of range for shape [2, 3]");
  expect_error([] { mean_axis(x23(), -3); }, "mean_axis: axis -3 is out of range for shape [2, 3]");
  expect_error([] { max_axis(Value(1.0), 0); }, "max_axis: axis 0 is out of range for shape []");
}

TEST(TensorCumsum, RunningSumAlongTheAxis) {
  expect_values(cumsum(x23()), {2, 3}, {1, 3, 6, 4, 9, 15});
  expect_values(cumsum(x23(), 0), {2, 3}, {1, 2, 3, 5, 7, 9});
  expect_values(cumsum(vec({0.5, -1, 2})), {3}, {0.5, -0.5, 1.5});
}

TEST(TensorCumsum, AxisMustBeInRange) {
  expect_error([] { cumsum(x23(), 5); }, "cumsum: axis 5 is out of range for shape [2, 3]");
  expect_error([] { cumsum(Value(1.0)); }, "cumsum: axis -1 is out of range for shape []");
}

TEST(TensorSoftmax, MatchesTheClosedForm) {
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  expect_values(softmax(vec({1, 2, 3})), {3},
                {std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z});
  // Along axis 0 of [[1, 2, 3], [4, 5, 6]] every column is softmax([a, a + 3]).
  const double lo = 1 / (1 + std::exp(3.0)), hi = 1 - lo;
  expect_values(softmax(x23(), 0), {2, 3}, {lo, lo, lo, hi, hi, hi});
  // Large inputs do not overflow: the max is subtracted first.
  expect_values(softmax(vec({1000, 1000})), {2}, {0.5, 0.5});
}

TEST(TensorSoftmax, AxisMustBeInRange) {
  expect_error([] { softmax(x23(), 2); }, "softmax: axis 2 is out of range for shape [2, 3]");
}

TEST(TensorReduce, BackendsAgreeAtEveryRate) {
  expect_backends_agree_at_every_rate(
      [](const std::vector<Value>& in) {
        const Value& x = in[0];
        return std::vector<Value>{
            sum(x),          mean(x),         max(x),         sum_axis(x, 0), sum_axis(x, 1),
            sum_axis(x, -1), mean_axis(x, 1), max_axis(x, 0), max_axis(x, 2), cumsum(x, 0),
            cumsum(x, 1),    cumsum(x),       softmax(x),     softmax(x, 1),  max_axis(in[1], 0)};
      },
      {iota({2, 3, 4}, -11), tensor({3}, {-1, 4, 2})});
}

}  // namespace
}  // namespace dgen

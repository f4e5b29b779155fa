// Views (SPEC §2.4): reshape, transpose, shrink, pad, expand, repeat against hand-computed
// layouts on the interpreter, the C backend against the interpreter at every rate, and the
// error messages of bad shapes and attributes.
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_backends_agree_at_every_rate;
using tensor_test::expect_error;
using tensor_test::expect_values;
using tensor_test::iota;

// x = [[0, 1, 2], [3, 4, 5]]
Value x23() { return iota({2, 3}); }

TEST(TensorReshape, KeepsRowMajorOrder) {
  expect_values(reshape(x23(), {3, 2}), {3, 2}, {0, 1, 2, 3, 4, 5});
  expect_values(reshape(x23(), {6}), {6}, {0, 1, 2, 3, 4, 5});
  expect_values(reshape(reshape(x23(), {6}), {1, 2, 3}), {1, 2, 3}, {0, 1, 2, 3, 4, 5});
  expect_values(reshape(Value(7.0), {1, 1}), {1, 1}, {7});
}

TEST(TensorReshape, BadShapesNameBothShapes) {
  expect_error([] { reshape(x23(), {4}); },
               "reshape: cannot reshape [2, 3] (6 elements) to [4] (4 elements)");
  expect_error(
      [] {
        reshape(x23(), {0, 6});
      },
      "reshape: shape dimensions must be >= 1, got [0, 6]");
}

TEST(TensorTranspose, DefaultReversesTheAxes) {
  expect_values(transpose(x23()), {3, 2}, {0, 3, 1, 4, 2, 5});
}

TEST(TensorTranspose, PermutesThreeAxes) {
  // x[i, j, k] = 12 i + 4 j + k; transpose(x, {2, 0, 1})[k, i, j] = x[i, j, k].
  const Value y = transpose(iota({2, 3, 4}), {2, 0, 1});
  std::vector<double> want;
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) want.push_back(12 * i + 4 * j + k);
  expect_values(y, {4, 2, 3}, want);
}

TEST(TensorTranspose, AxesMustBeAPermutation) {
  expect_error(
      [] {
        transpose(x23(), {0, 0});
      },
      "transpose: axes [0, 0] are not a permutation of the 2 axes of shape [2, 3]");
  expect_error(
      [] {
        transpose(x23(), {1, 0, 2});
      },
      "transpose: axes [1, 0, 2] are not a permutation");
}

TEST(TensorShrink, KeepsTheRanges) {
  expect_values(shrink(x23(), {{0, 2}, {1, 3}}), {2, 2}, {1, 2, 4, 5});
  expect_values(shrink(x23(), {{1, 2}, {0, 1}}), {1, 1}, {3});
}

TEST(TensorShrink, RangesMustFitTheShape) {
  expect_error(
      [] {
        shrink(x23(), {{0, 2}, {2, 5}});
      },
      "shrink: range [2, 5) of dimension 1 is empty or outside [0, 3) of shape [2, 3]");
  expect_error(
      [] {
        shrink(x23(), {{1, 1}, {0, 3}});
      },
      "shrink: range [1, 1) of dimension 0 is empty");
  expect_error(
      [] {
        shrink(x23(), {{0, 1}});
      },
      "shrink: 1 ranges for shape [2, 3], need one per dimension (2)");
}

TEST(TensorPad, AddsZerosBeforeAndAfter) {
  expect_values(pad(x23(), {{1, 0}, {0, 2}}), {3, 5},
                {0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 5, 0, 0});
  expect_values(pad(tensor_test::vec({7}), {{2, 1}}), {4}, {0, 0, 7, 0});
}

TEST(TensorPad, PaddingMustBeNonNegativeAndOnePerDimension) {
  expect_error(
      [] {
        pad(x23(), {{0, 0}, {-1, 0}});
      },
      "pad: padding (-1, 0) of dimension 1 of shape [2, 3] is negative");
  expect_error(
      [] {
        pad(x23(), {{1, 1}});
      },
      "pad: 1 paddings for shape [2, 3], need one per dimension (2)");
}

TEST(TensorExpand, BroadcastsLikeNumpy) {
  expect_values(expand(tensor_test::vec({0, 1, 2}), {2, 3}), {2, 3}, {0, 1, 2, 0, 1, 2});
  // iota [3, 1] -> [2, 3, 4]: out[a, b, c] = b.
  std::vector<double> want;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 4; ++c) want.push_back(b);
  expect_values(expand(iota({3, 1}), {2, 3, 4}), {2, 3, 4}, want);
  expect_values(expand(Value(5.0), {2}), {2}, {5, 5});
}

TEST(TensorExpand, DimensionsMustMatchOrBeOne) {
  expect_error(
      [] {
        expand(x23(), {4, 3});
      },
      "expand: cannot expand [2, 3] to [4, 3] (each dimension must match or be 1)");
  expect_error([] { expand(x23(), {3}); }, "expand: cannot expand [2, 3] to [3]");
}

TEST(TensorRepeat, TilesEachDimension) {
  // out[r, c] = x[r mod 2, c mod 3]
  std::vector<double> want;
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 6; ++c) want.push_back(3 * (r % 2) + c % 3);
  expect_values(repeat(x23(), {2, 2}), {4, 6}, want);
  expect_values(repeat(tensor_test::vec({1, 2}), {3}), {6}, {1, 2, 1, 2, 1, 2});
}

TEST(TensorRepeat, OneCountPerDimensionAtLeastOne) {
  expect_error([] { repeat(x23(), {2}); },
               "repeat: 1 repeat counts [2] for shape [2, 3], need one per dimension (2)");
  expect_error([] { repeat(x23(), {1, 0}); }, "repeat: repeat counts must be >= 1, got [1, 0]");
}

TEST(TensorViews, ViewsOfAHopValueAreHopRate) {
  const Value held = hop_hold(phasor(100.0), 4) * x23();
  EXPECT_EQ(transpose(held).rate(), Rate::every(4));
  EXPECT_EQ(reshape(held, {6}).rate(), Rate::every(4));
  EXPECT_TRUE(pad(x23(), {{1, 1}, {0, 0}}).rate().is_static());
}

TEST(TensorViews, BackendsAgreeAtEveryRate) {
  expect_backends_agree_at_every_rate(
      [](const std::vector<Value>& in) {
        const Value& x = in[0];
        return std::vector<Value>{reshape(x, {4, 6}),
                                  transpose(x),
                                  transpose(x, {1, 2, 0}),
                                  shrink(x, {{1, 2}, {0, 3}, {1, 4}}),
                                  pad(x, {{1, 0}, {0, 2}, {3, 1}}),
                                  expand(shrink(x, {{0, 1}, {0, 3}, {0, 4}}), {5, 3, 4}),
                                  expand(reshape(in[1], {3, 1}), {2, 3, 4}),
                                  repeat(x, {1, 2, 3}),
                                  reshape(in[1], {1, 3})};
      },
      {iota({2, 3, 4}, -5), tensor_test::vec({1.5f, -2, 3})});
}

}  // namespace
}  // namespace dgen

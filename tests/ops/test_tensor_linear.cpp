// matmul, conv1d, conv2d (SPEC §2.4) against hand-computed values and naive
// implementations written here, the C backend against the interpreter at every rate, and
// the error messages of bad shapes and attributes.
#include "ir/node.hpp"
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_backends_agree_at_every_rate;
using tensor_test::expect_error;
using tensor_test::expect_values;

// Deterministic values in [-5, 5] with no structure an index bug could hide behind.
std::vector<float> scrambled(int64_t n, int seed) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(float((i * 7 + seed * 3) % 11) - 5.0f);
  return v;
}

// ---- matmul ---------------------------------------------------------------------------

// The numpy matmul of a [..., M, K] and b [..., K, N] with broadcast batch axes.
std::vector<double> naive_matmul(const std::vector<float>& a, Shape as, const std::vector<float>& b,
                                 Shape bs, Shape& out_shape) {
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  Shape ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
  while (ab.size() < bb.size()) ab.insert(ab.begin(), 1);
  while (bb.size() < ab.size()) bb.insert(bb.begin(), 1);
  Shape batch;
  for (size_t d = 0; d < ab.size(); ++d) batch.push_back(std::max(ab[d], bb[d]));
  std::vector<double> out;
  for (int64_t z = 0; z < numel(batch); ++z) {
    // The batch coordinates of z, and the matching matrices of a and b.
    int64_t rest = z, a_index = 0, b_index = 0, a_stride = 1, b_stride = 1;
    for (size_t d = batch.size(); d-- > 0;) {
      const int64_t coord = rest % batch[d];
      rest /= batch[d];
      a_index += (ab[d] == 1 ? 0 : coord) * a_stride;
      b_index += (bb[d] == 1 ? 0 : coord) * b_stride;
      a_stride *= ab[d];
      b_stride *= bb[d];
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t q = 0; q < k; ++q)
          acc += double(a[a_index * m * k + i * k + q]) * b[b_index * k * n + q * n + j];
        out.push_back(acc);
      }
  }
  out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  return out;
}

TEST(TensorMatmul, TwoByTwoByHand) {
  expect_values(matmul(tensor({2, 2}, {1, 2, 3, 4}), tensor({2, 2}, {5, 6, 7, 8})), {2, 2},
                {19, 22, 43, 50});
}

TEST(TensorMatmul, MatchesNaiveIncludingBatchBroadcasting) {
  const std::pair<Shape, Shape> cases[] = {
      {{2, 3}, {3, 4}},           // plain
      {{1, 5}, {5, 1}},           // a dot product
      {{2, 2, 3}, {3, 4}},        // b shared by the batch
      {{3, 4}, {2, 4, 2}},        // a shared by the batch
      {{2, 1, 2, 3}, {3, 3, 2}},  // batch [2, 1] with [3] -> [2, 3]
  };
  int seed = 0;
  for (const auto& [as, bs] : cases) {
    SCOPED_TRACE(to_string(as) + " x " + to_string(bs));
    const auto a = scrambled(numel(as), ++seed), b = scrambled(numel(bs), ++seed);
    Shape want_shape;
    const auto want = naive_matmul(a, as, b, bs, want_shape);
    expect_values(matmul(tensor(as, a), tensor(bs, b)), want_shape, want);
  }
}

TEST(TensorMatmul, BadShapesNameBothShapes) {
  expect_error(
      [] {
        matmul(zeros({3}), zeros({3, 2}));
      },
      "matmul: both arguments must be at least 2-D, got [3] and [3, 2] (reshape a vector "
      "to [1, K] or [K, 1])");
  expect_error(
      [] {
        matmul(zeros({2, 3}), zeros({4, 5}));
      },
      "matmul: inner dimensions differ: [2, 3] x [4, 5] (3 != 4)");
  expect_error(
      [] {
        matmul(zeros({2, 2, 3}), zeros({3, 3, 4}));
      },
      "matmul: batch dimensions of [2, 2, 3] and [3, 3, 4] do not broadcast");
}

// ---- conv1d / conv2d --------------------------------------------------------------------

// Cross-correlation of x [rows, cols] with k [kh, kw] (one row and a [1, K] kernel for a
// 1-D conv); `same` pads with zeros and centres the kernel at floor(k / 2).
std::vector<double> naive_conv2d(const std::vector<float>& x, int64_t rows, int64_t cols,
                                 const std::vector<float>& k, int64_t kh, int64_t kw, bool same) {
  const int64_t out_rows = same ? rows : rows - kh + 1, out_cols = same ? cols : cols - kw + 1;
  const int64_t top = same ? kh / 2 : 0, left = same ? kw / 2 : 0;
  std::vector<double> out;
  for (int64_t r = 0; r < out_rows; ++r)
    for (int64_t c = 0; c < out_cols; ++c) {
      double acc = 0;
      for (int64_t a = 0; a < kh; ++a)
        for (int64_t b = 0; b < kw; ++b) {
          const int64_t xr = r + a - top, xc = c + b - left;
          if (xr >= 0 && xr < rows && xc >= 0 && xc < cols)
            acc += double(x[xr * cols + xc]) * k[a * kw + b];
        }
      out.push_back(acc);
    }
  return out;
}

TEST(TensorConv1d, ByHandValidAndSame) {
  const Value x = tensor({4}, {1, 2, 3, 4});
  const Value k = tensor({3}, {1, 0, -1});
  expect_values(conv1d(x, k), {2}, {-2, -2});
  // same: out[i] = x[i - 1] - x[i + 1] with zeros outside.
  expect_values(conv1d(x, k, Padding::Same), {4}, {-2, -2, -2, 3});
  // An even kernel is centred at floor(2 / 2) = 1: out[i] = x[i - 1] + 2 x[i].
  expect_values(conv1d(x, tensor({2}, {1, 2}), Padding::Same), {4}, {2, 5, 8, 11});
}

TEST(TensorConv1d, MatchesNaivePerChannel) {
  const int64_t channels = 3, len = 9;
  const auto xs = scrambled(channels * len, 1);
  for (int64_t klen : {1, 2, 3, 4, 9})
    for (bool same : {false, true}) {
      SCOPED_TRACE("kernel " + std::to_string(klen) + (same ? " same" : " valid"));
      const auto ks = scrambled(klen, 2);
      const Padding padding = same ? Padding::Same : Padding::Valid;
      const int64_t out_len = same ? len : len - klen + 1;
      std::vector<double> want;
      for (int64_t c = 0; c < channels; ++c) {
        const std::vector<float> row(xs.begin() + c * len, xs.begin() + (c + 1) * len);
        for (double v : naive_conv2d(row, 1, len, ks, 1, klen, same)) want.push_back(v);
      }
      expect_values(conv1d(tensor({channels, len}, xs), tensor({klen}, ks), padding),
                    {channels, out_len}, want);
      const std::vector<double> first(want.begin(), want.begin() + out_len);
      expect_values(
          conv1d(tensor({len}, {xs.begin(), xs.begin() + len}), tensor({klen}, ks), padding),
          {out_len}, first);
    }
}

TEST(TensorConv1d, BadShapesAndAttributes) {
  expect_error(
      [] {
        conv1d(zeros({4}), zeros({2, 2}));
      },
      "conv1d: expected an input [L] or [C, L] and a kernel [K], got [4] and [2, 2]");
  expect_error([] { conv1d(zeros({3}), zeros({5})); },
               "conv1d: kernel [5] is larger than the input [3] (padding valid)");
  expect_error(
      [] {
        make("conv1d", {zeros({4}), zeros({2})}, {{2}, {}});
      },
      "conv1d: padding must be valid (0) or same (1)");
}

TEST(TensorConv2d, ByHandValid) {
  // x[i, j] = 3 i + j; k = [[1, 0], [0, -1]]: out = x[i, j] - x[i + 1, j + 1] = -4.
  expect_values(conv2d(tensor_test::iota({3, 3}), tensor({2, 2}, {1, 0, 0, -1})), {2, 2},
                {-4, -4, -4, -4});
}

TEST(TensorConv2d, MatchesNaive) {
  const int64_t rows = 5, cols = 6;
  const auto xs = scrambled(rows * cols, 3);
  const std::pair<int64_t, int64_t> kernels[] = {{1, 1}, {2, 3}, {3, 3}, {3, 2}, {5, 6}};
  for (auto [kh, kw] : kernels)
    for (bool same : {false, true}) {
      SCOPED_TRACE("kernel " + std::to_string(kh) + "x" + std::to_string(kw) +
                   (same ? " same" : " valid"));
      const auto ks = scrambled(kh * kw, 4);
      const Shape out_shape = same ? Shape{rows, cols} : Shape{rows - kh + 1, cols - kw + 1};
      expect_values(conv2d(tensor({rows, cols}, xs), tensor({kh, kw}, ks),
                           same ? Padding::Same : Padding::Valid),
                    out_shape, naive_conv2d(xs, rows, cols, ks, kh, kw, same));
    }
}

TEST(TensorConv2d, BadShapes) {
  expect_error(
      [] {
        conv2d(zeros({4}), zeros({2, 2}));
      },
      "conv2d: expected an input [H, W] (or [..., H, W]) and a kernel [kh, kw], got [4] and [2, "
      "2]");
  expect_error([] { conv2d(zeros({4, 4}), zeros({3})); }, "conv2d: expected an input [H, W]");
  expect_error(
      [] {
        conv2d(zeros({4, 2}), zeros({2, 3}));
      },
      "conv2d: kernel [2, 3] is larger than the input [4, 2] (padding valid)");
}

TEST(TensorLinear, BackendsAgreeAtEveryRate) {
  const Value a = tensor({2, 3, 4}, scrambled(24, 5)), b = tensor({4, 2}, scrambled(8, 6));
  const Value x = tensor({3, 10}, scrambled(30, 7)), k = tensor({3}, scrambled(3, 8));
  const Value img = tensor({5, 6}, scrambled(30, 9)), k2 = tensor({3, 2}, scrambled(6, 10));
  expect_backends_agree_at_every_rate(
      [](const std::vector<Value>& in) {
        return std::vector<Value>{matmul(in[0], in[1]),
                                  matmul(reshape(in[3], {3, 1}), reshape(in[3], {1, 3})),
                                  conv1d(in[2], in[3]),
                                  conv1d(in[2], in[3], Padding::Same),
                                  conv1d(reshape(shrink(in[2], {{0, 1}, {0, 10}}), {10}), in[3]),
                                  conv2d(in[4], in[5]),
                                  conv2d(in[4], in[5], Padding::Same)};
      },
      {a, b, x, k, img, k2});
}

}  // namespace
}  // namespace dgen

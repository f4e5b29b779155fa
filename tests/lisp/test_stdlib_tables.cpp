// std/tables: wrapping reads against a periodic linear interpolation written here, on 1-D
// and 2-D tables, and the gradient of the read position against finite differences.
#include <cmath>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

// The table t (rows × channels, row-major) read at `index` wrapped into [0, rows), linear
// between a row and the next (the last row's next is row 0), and between channels.
double periodic_read(const std::vector<double>& t, size_t rows, size_t channels, double index,
                     double channel) {
  const double i = index - std::floor(index / double(rows)) * double(rows);
  const size_t i0 = size_t(std::floor(i)) % rows, i1 = (i0 + 1) % rows;
  const size_t c0 = size_t(std::floor(channel)), c1 = std::min(c0 + 1, channels - 1);
  auto at = [&](size_t r) {
    return t[r * channels + c0] +
           (channel - double(c0)) * (t[r * channels + c1] - t[r * channels + c0]);
  };
  return at(i0) + (i - std::floor(i)) * (at(i1) - at(i0));
}

TEST(StdTables, PeekWrapReadsAcrossTheEnd) {
  const std::vector<double> t = {0.5, -1, 2, 0.25, 3};
  const auto out = test::render_std(
      "(def table (tensor [0.5 -1 2 0.25 3])) (def index (- (* 13 (phasor 300)) 4))"
      "(def r (peek-wrap table index 0))",
      {"index", "r"}, 400);
  for (size_t n = 0; n < 400; ++n)
    ASSERT_NEAR(out[1][n], periodic_read(t, 5, 1, out[0][n], 0), 1e-5) << "index " << out[0][n];
  EXPECT_EQ(test::render_r("(def r (table-rows (tensor [[1 2] [3 4] [5 6]])))", 1)[0], 3.0f);
}

TEST(StdTables, SampleWrapReadsOnePeriodPerUnitOfPhase) {
  const std::vector<double> t = {0, 10, 1, 11, 2, 12, 3, 13};  // 4 rows × 2 channels
  const auto out = test::render_std(
      "(def phase (* 3 (phasor 97))) (def ch (* 0.5 (+ 1 (sin (* twopi (phasor 41))))))"
      "(def r (sample-wrap (tensor [[0 10] [1 11] [2 12] [3 13]]) phase ch))",
      {"phase", "ch", "r"}, 800);
  for (size_t n = 0; n < 800; ++n)
    ASSERT_NEAR(out[2][n], periodic_read(t, 4, 2, 4.0 * out[0][n], out[1][n]), 1e-4) << n;
}

TEST(StdTables, GradientsMatchFiniteDifferences) {
  test::expect_gradients_match(
      "(param offset @default 0.37 @min 0 @max 1) (param amount @default 0.8 @min 0 @max 2)"
      "(def r (* amount (sample-wrap (tensor [0.5 -1 2 0.25 3]) (+ (phasor 500) offset) 0)))",
      256);
}

}  // namespace
}  // namespace dgen::lisp

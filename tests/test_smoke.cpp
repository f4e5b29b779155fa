// End-to-end smoke tests of the pipeline on both backends.
#include "support.hpp"

namespace dgen {
namespace {

TEST(Smoke, PhasorRampStartsAtZero) {
  for (Backend b : {Backend::Interp, Backend::C}) {
    auto out = test::render1(phasor(4410.0), 4, b);
    EXPECT_FLOAT_EQ(out[0], 0.0f);
    EXPECT_NEAR(out[1], 0.1f, 1e-7);
    EXPECT_NEAR(out[3], 0.3f, 1e-6);
  }
}

TEST(Smoke, HistoryCountsUp) {
  for (Backend b : {Backend::Interp, Backend::C}) {
    History h;
    auto out = test::render1(h.write(h.read() + 1.0), 5, b);
    EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4, 5}));
  }
}

}  // namespace
}  // namespace dgen

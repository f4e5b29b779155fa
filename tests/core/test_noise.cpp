// SPEC §2.2 noise: xorshift32 (s ^= s << 13; s ^= s >> 17; s ^= s << 5), value
// 2 s / 2^32 - 1, one stream per instance, the same stream on every render.
#include <cmath>
#include <cstdint>

#include "support.hpp"

namespace dgen {
namespace {

uint32_t xorshift32(uint32_t s) {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

float noise_value(uint64_t s) { return float(2.0 * double(s) / 4294967296.0 - 1.0); }

// A float sample only pins the 32-bit state down to a few hundred candidates; the stream
// is consistent with xorshift32 when some candidate for v[t] steps to v[t + 1].
bool steps_like_xorshift(float now, float next) {
  const int64_t centre = std::llround((double(now) + 1.0) * 2147483648.0);
  for (int64_t s = std::max<int64_t>(1, centre - 1024);
       s <= std::min<int64_t>(0xffffffffLL, centre + 1024); ++s)
    if (noise_value(uint64_t(s)) == now && noise_value(xorshift32(uint32_t(s))) == next)
      return true;
  return false;
}

TEST(Noise, ConsecutiveSamplesFollowTheXorshift32Recurrence) {
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interpreter");
    const auto out = test::render1(noise(7), 2000, b);
    int consistent = 0;
    for (size_t t = 0; t + 1 < out.size(); ++t)
      consistent += steps_like_xorshift(out[t], out[t + 1]);
    EXPECT_EQ(consistent, int(out.size()) - 1);
  }
}

// A stream of another generator fails the check (the check can fail).
TEST(Noise, RecurrenceCheckRejectsAnotherGenerator) {
  int consistent = 0;
  uint32_t s = 12345;
  for (int t = 0; t < 100; ++t) {
    const uint32_t next = s * 1664525u + 1013904223u;  // an LCG
    consistent += steps_like_xorshift(noise_value(s), noise_value(next));
    s = next;
  }
  EXPECT_LT(consistent, 5);
}

TEST(Noise, UniformInMinusOneToOne) {
  const auto out = test::render1(noise(), 100000);
  double sum = 0, sum2 = 0;
  for (float v : out) {
    ASSERT_GE(v, -1.0f);
    ASSERT_LT(v, 1.0f);
    sum += v;
    sum2 += double(v) * v;
  }
  const double mean = sum / double(out.size()), var = sum2 / double(out.size()) - mean * mean;
  EXPECT_NEAR(mean, 0, 0.01);
  EXPECT_NEAR(var, 1.0 / 3, 0.01);  // the variance of U(-1, 1)
}

TEST(Noise, TwoInstancesDiffer) {
  const auto out = test::render({noise(), noise()}, 64, Backend::Interp);
  int equal = 0;
  for (size_t t = 0; t < 64; ++t) equal += out[0][t] == out[1][t];
  EXPECT_LT(equal, 2);
}

TEST(Noise, SeedsDiffer) { EXPECT_NE(test::render1(noise(1), 16), test::render1(noise(2), 16)); }

// The same patch renders the same noise every run, every build and on every backend.
TEST(Noise, SameGraphRendersTheSameStream) {
  auto patch = [] { return std::vector<Value>{noise(3), noise(3)}; };
  const auto first = test::render(patch(), 256, Backend::Interp);
  RenderOptions o;
  o.backend = Backend::Interp;
  Program p(patch(), o);
  for (int run = 0; run < 2; ++run) {
    p.run(256);
    for (size_t k = 0; k < 2; ++k)
      EXPECT_EQ(std::vector<float>(p.output(k).begin(), p.output(k).end()), first[k]);
  }
  EXPECT_EQ(test::render(patch(), 256, Backend::C), first);
}

}  // namespace
}  // namespace dgen

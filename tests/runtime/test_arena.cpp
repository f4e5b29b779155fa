// A fresh arena in two steps (persistent buffers on the host, transient ones zeroed after):
// the same bytes as init_arena's, but for scratch state, whatever the memory held before;
// and a poisoned one (runtime/arena.hpp, TransientFill).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../cuda/cuda_programs.hpp"
#include "runtime/arena.hpp"

namespace dgen {
namespace {

// Bytes of some buffer (not alignment padding).
std::vector<bool> buffer_bytes(const Schedule& s) {
  std::vector<bool> used(size_t(s.arena_bytes), false);
  for (const Buffer& b : s.buffers) std::fill_n(used.begin() + b.offset, b.bytes, true);
  return used;
}

// Bytes of scratch state (tapes): written before they are read, so never initialised.
std::vector<bool> scratch_bytes(const Schedule& s) {
  std::vector<bool> scratch(size_t(s.arena_bytes), false);
  for (size_t i = 0; i < s.state_vars.size(); ++i)
    for (size_t v = 0; v < s.state_vars[i].size(); ++v)
      if (s.state_vars[i][v].scratch) {
        const Buffer& b = s.buffers[s.state[i][v]];
        std::fill_n(scratch.begin() + b.offset, b.bytes, true);
      }
  return scratch;
}

TEST(FreshRanges, PersistentOnTheHostThenTransientZerosIsAFreshArena) {
  Param cutoff("cutoff", 900.0f), gain("gain", 0.5f);
  const Value y = biquad(in(1) * gain, cutoff, 0.8, 1.0, 0) + 0.25 * delay(in(1), 3.0, 16);
  const auto programs = test::gradient_schedules(mse(y, in(2)), 3, 64);
  for (const Schedule& s : programs->schedules) {
    std::vector<char> fresh(size_t(s.arena_bytes), 0), stepwise(size_t(s.arena_bytes), '\xab');
    init_arena(s, fresh.data(), TransientFill::Zero);
    init_arena(s, stepwise.data(), TransientFill::Leave);
    for (const ArenaRange& r : fresh_ranges(s, false))
      std::memset(stepwise.data() + r.offset, 0, size_t(r.bytes));
    const std::vector<bool> scratch = scratch_bytes(s), used = buffer_bytes(s);
    int64_t scratch_count = 0, differing = 0;
    for (size_t b = 0; b < fresh.size(); ++b) {
      scratch_count += scratch[b];
      differing += used[b] && !scratch[b] && fresh[b] != stepwise[b];
    }
    EXPECT_EQ(differing, 0) << s.describe();
    // Persistent and transient ranges never overlap, and scratch lies in neither.
    for (const ArenaRange& p : fresh_ranges(s, true)) {
      for (const ArenaRange& t : fresh_ranges(s, false))
        EXPECT_TRUE(p.offset + p.bytes <= t.offset || t.offset + t.bytes <= p.offset);
      EXPECT_EQ(std::count(scratch.begin() + p.offset, scratch.begin() + p.offset + p.bytes, true),
                0);
    }
    if (&s == &programs->schedules.front()) {
      EXPECT_GT(scratch_count, 0) << "the forward keeps tapes";
    }
  }
}

// A poisoned fresh state: the persistent bytes a zeroed one has, every transient byte all
// ones (a NaN as a float and a double). In builds with assertions every backend's reset
// poisons (kResetTransient), so that each test there would see a value read before it is
// written.
TEST(FreshRanges, PoisonFillsTheTransientBuffersWithNaN) {
  Param cutoff("cutoff", 900.0f);
  const Value y = biquad(in(1), cutoff, 0.8, 1.0, 0);
  const auto programs = test::gradient_schedules(mse(y, in(2)), 3, 64);
  for (const Schedule& s : programs->schedules) {
    std::vector<char> zeroed(size_t(s.arena_bytes), 0), poisoned(size_t(s.arena_bytes), 0);
    init_arena(s, zeroed.data(), TransientFill::Zero);
    init_arena(s, poisoned.data(), TransientFill::Poison);
    std::vector<bool> transient(zeroed.size(), false);
    for (const ArenaRange& r : fresh_ranges(s, false))
      std::fill_n(transient.begin() + r.offset, r.bytes, true);
    ASSERT_TRUE(std::count(transient.begin(), transient.end(), true) > 0) << s.describe();
    for (size_t b = 0; b < zeroed.size(); ++b) {
      if (transient[b])
        ASSERT_EQ(static_cast<unsigned char>(poisoned[b]), 0xffu) << "byte " << b;
      else
        ASSERT_EQ(poisoned[b], zeroed[b]) << "byte " << b;
    }
    float f;
    std::memcpy(&f, poisoned.data() + fresh_ranges(s, false).front().offset, sizeof f);
    EXPECT_TRUE(std::isnan(f));
  }
}

}  // namespace
}  // namespace dgen

// SPEC §2.2 stateful ops with closed forms: phasor, accum, history cells, latch, click
// and delay. Each runs on the interpreter and the C backend (their state handling is
// separate code), against values computed here.
#include <cmath>
#include <numeric>
#include <span>

#include "support.hpp"

namespace dgen {
namespace {

const Backend kBackends[] = {Backend::Interp, Backend::C};
const char* name(Backend b) { return b == Backend::C ? "C" : "interpreter"; }

std::vector<float> render_in(const Value& v, int64_t frames, Backend b,
                             const std::vector<InputChannel>& inputs) {
  return test::render({v}, frames, b, 1, 44100, inputs)[0];
}

void expect_near_all(const std::vector<float>& got, const std::vector<double>& want,
                     double tol = 1e-6) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// Distance between two phases on the unit circle (0.999999 and 0 are close).
double phase_distance(double a, double b) {
  const double d = std::fabs(a - b);
  return std::min(d, 1 - d);
}

TEST(Phasor, RampStartsAtZeroAndStepsByFOverSr) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(phasor(441.0), 300, b);
    EXPECT_EQ(out[0], 0.0f);
    EXPECT_NEAR(out[1], 0.01, 1e-7);
    for (int t = 0; t < 300; ++t)
      EXPECT_NEAR(phase_distance(out[t], std::fmod(t * 0.01, 1.0)), 0, 1e-6) << t;
  }
}

TEST(Phasor, SampleRateIsARunTimeValue) {
  const auto out = test::render1(phasor(480.0), 3, Backend::Interp, 1, 48000);
  expect_near_all(out, {0, 0.01, 0.02});
}

TEST(Phasor, ResetMakesTheNextPhaseZero) {
  std::vector<float> reset(10, 0.0f);
  reset[5] = 1;
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = render_in(phasor(4410.0, in(1)), 10, b, {{1, reset}});
    // out[5] is still the old phase; out[6] restarts from 0.
    expect_near_all(out, {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0, 0.1, 0.2, 0.3});
  }
}

TEST(Phasor, TensorFrequencyGivesIndependentPhases) {
  const Value f = tensor({3}, {441, 882, 4410});
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(phasor(f), 20, b);
    ASSERT_EQ(out.size(), 60u);
    for (int t = 0; t < 20; ++t)
      for (int e = 0; e < 3; ++e) {
        const double inc = std::array{0.01, 0.02, 0.1}[size_t(e)];
        EXPECT_NEAR(phase_distance(out[size_t(t * 3 + e)], std::fmod(t * inc, 1.0)), 0, 1e-6);
      }
  }
}

// The phase accumulator keeps its accuracy over 10^7 frames (SPEC §2.2).
TEST(Phasor, StaysAccurateOverTenMillionFrames) {
  const int64_t frames = 10'000'000;
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(phasor(440.0), frames, b);
    for (int64_t t = frames - 8; t < frames; ++t) {
      const long double exact = std::fmod(static_cast<long double>(t) * 440.0L / 44100.0L, 1.0L);
      EXPECT_LT(phase_distance(out[size_t(t)], double(exact)), 1e-6) << "frame " << t;
    }
  }
}

TEST(Accum, StartsAtZeroAndWrapsIntoLoHi) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    expect_near_all(test::render1(accum(0.3), 7, b), {0, 0.3, 0.6, 0.9, 0.2, 0.5, 0.8});
    // Not at lo on frame 0; then wrapped into [2, 3).
    expect_near_all(test::render1(accum(0.5, 0.0, 2.0, 3.0), 5, b), {0, 2.5, 2, 2.5, 2});
    expect_near_all(test::render1(accum(-0.25), 6, b), {0, 0.75, 0.5, 0.25, 0, 0.75});
  }
}

// Exact (dyadic) steps land exactly on hi, which must wrap to lo on every backend.
TEST(Accum, LandingExactlyOnHiWrapsToLo) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render1(accum(1.0 / 64, 0.0, -0.75, 0.78125), 300, b);
    double a = 0;
    for (size_t t = 0; t < out.size(); ++t) {
      ASSERT_EQ(out[t], float(a)) << "frame " << t;
      a += 1.0 / 64;
      if (a >= 0.78125) a -= 1.53125;
    }
  }
}

TEST(Accum, ResetJumpsToLo) {
  std::vector<float> reset(7, 0.0f);
  reset[2] = 1;
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = render_in(accum(0.25, in(1), -1.0, 1.0), 7, b, {{1, reset}});
    expect_near_all(out, {0, 0.25, 0.5, -1, -0.75, -0.5, -0.25});
  }
}

TEST(History, FeedbackCountsUpFromInitialValue) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    History h({}, {5});
    const Value r = h.read();
    const Value y = h.write(r + 1.0);
    const auto out = test::render({r, y}, 4, b);
    expect_near_all(out[0], {5, 6, 7, 8});
    expect_near_all(out[1], {6, 7, 8, 9});
  }
}

// Every read of a cell sees the previous frame's value, even a read built after the write.
TEST(History, ReadsInOneFrameAllSeeThePreviousFrame) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    History h;
    const Value y = h.write(h.read() + 1.0);
    const Value late = h.read() * 10.0;
    const auto out = test::render({y, late}, 4, b);
    expect_near_all(out[0], {1, 2, 3, 4});
    expect_near_all(out[1], {0, 10, 20, 30});
  }
}

// A tensor cell with hop 4 advances on frames 0, 4, 8, ... and holds in between.
TEST(History, TensorCellWithHopAdvancesOnHopFrames) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    History h({2}, {1, 10}, 4);
    const Value r = h.read();
    h.write(r * 2.0);
    EXPECT_EQ(r.rate(), Rate::every(4));
    const auto out = test::render1(r, 12, b);
    std::vector<double> want;
    for (int t = 0; t < 12; ++t) {
      const double k = std::pow(2.0, t / 4);
      want.insert(want.end(), {k, 10 * k});
    }
    expect_near_all(out, want);
  }
}

// A hop cell written from a frame-rate value (docs/LANGUAGE.md, History cells): the write
// runs on hop frames only, so it samples its input there; the read and the write's value
// hold between hop frames, and a read sees what the previous hop frame wrote. The frame
// count, hence the hop phase, carries across streamed runs of any length.
TEST(History, HopCellSamplesAFrameRateInputOnHopFramesAndHolds) {
  const int64_t n = 23, hop = 4;
  std::vector<float> x(static_cast<size_t>(n));
  std::iota(x.begin(), x.end(), 1.0f);  // x[t] = t + 1
  std::vector<double> read, written;    // element 0; element 1 is the same times 10 (+ init)
  double held = 0.5;
  for (int64_t t = 0; t < n; ++t) {
    const double sampled = x[size_t(t / hop * hop)];
    read.push_back(held);
    written.push_back(held + sampled);
    if (t % hop == hop - 1) held += sampled;
  }
  for (Backend b : kBackends)
    for (int64_t block : {n, int64_t(1), int64_t(5)}) {
      SCOPED_TRACE(std::string(name(b)) + ", blocks of " + std::to_string(block));
      History h({2}, {0.5f, 5}, hop);
      const Value r = h.read();
      const Value w = h.write(r + in(1) * tensor({2}, {1, 10}));
      RenderOptions o;
      o.backend = b;
      o.preserve_state = true;
      Program p({r, w}, o);
      std::vector<float> got_r, got_w;
      for (int64_t done = 0; done < n; done += block) {
        const int64_t m = std::min(block, n - done);
        p.run(m, {{1, std::span<const float>(x).subspan(size_t(done), size_t(m))}});
        got_r.insert(got_r.end(), p.output(0).begin(), p.output(0).end());
        got_w.insert(got_w.end(), p.output(1).begin(), p.output(1).end());
      }
      for (int64_t t = 0; t < n; ++t) {
        EXPECT_EQ(got_r[size_t(2 * t)], read[size_t(t)]) << "frame " << t;
        EXPECT_EQ(got_r[size_t(2 * t + 1)], 10 * read[size_t(t)]) << "frame " << t;
        EXPECT_EQ(got_w[size_t(2 * t)], written[size_t(t)]) << "frame " << t;
        EXPECT_EQ(got_w[size_t(2 * t + 1)], 10 * written[size_t(t)]) << "frame " << t;
      }
    }
}

TEST(Latch, HoldsTheValueTakenOnTriggerFrames) {
  const std::vector<float> v = {1, 2, 3, 4, 5, 6, 7, 8}, trig = {0, 1, 0, 0, 1, 1, 0, -1};
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    expect_near_all(render_in(latch(in(1), in(2)), 8, b, {{1, v}, {2, trig}}),
                    {0, 2, 2, 2, 5, 6, 6, 6});
  }
}

TEST(Click, IsOneOnFrameZeroOfEveryRun) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    RenderOptions o;
    o.backend = b;
    Program p({click()}, o);
    for (int run = 0; run < 2; ++run) {
      p.run(4);
      EXPECT_EQ(std::vector<float>(p.output(0).begin(), p.output(0).end()),
                (std::vector<float>{1, 0, 0, 0}));
    }
  }
}

// x[t] = t + 1 for t >= 0 (0 before), the reference of the delay tests.
double ramp(int64_t t) { return t < 0 ? 0.0 : double(t + 1); }
std::vector<float> ramp_input(int64_t frames) {
  std::vector<float> x(static_cast<size_t>(frames));
  std::iota(x.begin(), x.end(), 1.0f);
  return x;
}

TEST(Delay, IntegerAndFractionalShifts) {
  const int64_t n = 30;
  const auto x = ramp_input(n);
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render({delay(in(1), 3.0), delay(in(1), 2.25), delay(in(1), 0.0)}, n, b,
                                  1, 44100, {{1, x}});
    std::vector<double> whole, frac, none;
    for (int64_t t = 0; t < n; ++t) {
      whole.push_back(ramp(t - 3));
      frac.push_back(0.75 * ramp(t - 2) + 0.25 * ramp(t - 3));
      none.push_back(ramp(t));
    }
    expect_near_all(out[0], whole);
    expect_near_all(out[1], frac, 1e-5);
    expect_near_all(out[2], none);
  }
}

// A delay time that arrives while running is clamped to [0, max - 1]: a negative or NaN
// time is no delay, a longer (or infinite) one the longest (docs/LANGUAGE.md, delay).
// Constant times outside the line are refused (BadAttributes.ConstantDelayTimeOutsideTheLine).
TEST(Delay, RunTimeDelayIsClampedToZeroAndMaxMinusOne) {
  const int64_t n = 40;
  const auto x = ramp_input(n);
  auto held = [&](float d) { return std::vector<float>(size_t(n), d); };
  std::vector<Value> delays;
  for (int ch = 2; ch <= 5; ++ch) delays.push_back(delay(in(1), in(ch), 10));
  std::vector<double> longest, none;
  for (int64_t t = 0; t < n; ++t) {
    longest.push_back(ramp(t - 9));
    none.push_back(ramp(t));
  }
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render(
        delays, n, b, 1, 44100,
        {{1, x}, {2, held(100.0f)}, {3, held(INFINITY)}, {4, held(-5.0f)}, {5, held(NAN)}});
    expect_near_all(out[0], longest);
    expect_near_all(out[1], longest);
    expect_near_all(out[2], none);
    expect_near_all(out[3], none);
  }
}

// A delay time that changes every frame, through a ring that wraps many times.
TEST(Delay, ModulatedDelayInterpolatesLinearly) {
  const int64_t n = 50;
  const auto x = ramp_input(n);
  std::vector<float> d(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) d[size_t(t)] = float((t * 7) % 13) * 0.25f;  // 0 .. 3
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = render_in(delay(in(1), in(2), 4), n, b, {{1, x}, {2, d}});
    std::vector<double> want;
    for (int64_t t = 0; t < n; ++t) {
      const double dt = d[size_t(t)], whole = std::floor(dt), frac = dt - whole;
      const int64_t k = int64_t(whole);
      want.push_back((1 - frac) * ramp(t - k) + frac * ramp(t - k - 1));
    }
    expect_near_all(out, want, 1e-5);
  }
}

TEST(Delay, TensorDelayTimesShiftEachElement) {
  const int64_t n = 10;
  const auto x = ramp_input(n);
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = render_in(delay(in(1), tensor({2}, {1, 4})), n, b, {{1, x}});
    std::vector<double> want;
    for (int64_t t = 0; t < n; ++t) want.insert(want.end(), {ramp(t - 1), ramp(t - 4)});
    expect_near_all(out, want);
  }
}

}  // namespace
}  // namespace dgen

// Stacking (src/analysis/stack_scalars.hpp): banks of isomorphic scalar subgraphs become
// tensor nodes. Each bank renders as it does unstacked (DGEN_STACK=0) on every backend,
// with lanes, in streamed runs and through gradients; the stack dump says what was
// stacked, and a large bank compiles to a bounded graph.
#include <cmath>
#include <string>

#include "autodiff/check_gradients.hpp"
#include "runtime/pipeline.hpp"
#include "scoped_env.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr int kBank = 40;  // above kMinStackGroup

double frequency(int k) { return 110.0 + 37.3 * k; }

// Phasors of different frequencies, weighted and summed.
Value phasor_bank() {
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) sum = sum + phasor(frequency(k)) * (1.0 + 0.01 * k);
  return sum * (1.0 / kBank);
}

// Phasors kept in history cells with different initial phases.
Value phase_bank() {
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) {
    History h({}, {float(k) / kBank});
    const Value p = h.read();
    const Value next = p + frequency(k) / 44100.0;
    h.write(next - floor(next));
    sum = sum + p;
  }
  return sum;
}

// One-pole lowpass filters of noise, each coefficient a param of its own.
Value one_pole_bank(std::vector<Param>* params = nullptr) {
  const Value x = noise(7);
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) {
    Param a("a" + std::to_string(k), 0.05f + 0.02f * float(k), {.min = 0, .max = 1});
    if (params) params->push_back(a);
    History y;
    const Value prev = y.read();
    sum = sum + y.write(prev + a * (x - prev));
  }
  return sum;
}

std::vector<std::vector<float>> render_unstacked(const std::vector<Value>& v, int64_t frames,
                                                 Backend b, int lanes = 1) {
  test::ScopedEnv off("DGEN_STACK", "0");
  return test::render(v, frames, b, lanes);
}

std::string stack_dump(const Value& v) {
  return pipeline::dump(pipeline::Stage::Stack, {out(v, 1).node()}, 1, Backend::Interp);
}

// The first line of the stack dump: what was stacked.
std::string summary(const Value& v) {
  const std::string d = stack_dump(v);
  return d.substr(0, d.find('\n'));
}

class Stacking : public ::testing::TestWithParam<test::BackendParam> {
 protected:
  void expect_as_unstacked(const Value& v, int lanes = 1) {
    const auto got = test::render({v}, 300, GetParam().backend, lanes)[0];
    const auto ref = render_unstacked({v}, 300, Backend::Interp, lanes)[0];
    test::expect_close_to_reference(got, ref);
  }
};

TEST_P(Stacking, PhasorBankRendersAsUnstacked) {
  // The phasors and their weights' muls stack; the sum is one sum_all.
  EXPECT_EQ(summary(phasor_bank()), "80 scalar nodes in 2 tensor nodes, 1 add chains summed:")
      << stack_dump(phasor_bank());
  expect_as_unstacked(phasor_bank());
}

TEST_P(Stacking, HistoryCellsKeepTheirOwnInitialState) {
  // Reads, add, floor, sub and writes stack, in one element order (no gathers).
  const std::string dump = stack_dump(phase_bank());
  EXPECT_EQ(summary(phase_bank()), "200 scalar nodes in 5 tensor nodes, 1 add chains summed:")
      << dump;
  EXPECT_EQ(dump.find("gather"), std::string::npos) << dump;
  expect_as_unstacked(phase_bank());
  // Frame 0 is the sum of the initial phases k / 40.
  EXPECT_NEAR(test::render1(phase_bank(), 1, GetParam().backend)[0], 19.5, 1e-4);
}

TEST_P(Stacking, OnePoleBankWithParamsRendersAsUnstacked) {
  expect_as_unstacked(one_pole_bank());
  expect_as_unstacked(one_pole_bank(), 4);
}

// A param of a stacked bank stays settable on its own.
TEST_P(Stacking, ParamsOfAStackedBankAreSetOneByOne) {
  std::vector<Param> params;
  const Value bank = one_pole_bank(&params);
  auto with_a7 = [&](bool stacked) {
    std::optional<test::ScopedEnv> off;
    if (!stacked) off.emplace("DGEN_STACK", "0");
    Program p({bank}, {.backend = GetParam().backend});
    p.set_param("a7", 0.9f);
    p.run(200);
    return std::vector<float>(p.output(0).begin(), p.output(0).end());
  };
  const std::vector<float> before = render_unstacked({bank}, 200, Backend::Interp)[0];
  const std::vector<float> got = with_a7(true), ref = with_a7(false);
  test::expect_close_to_reference(got, ref);
  EXPECT_GT(std::fabs(got[199] - before[199]), 1e-4) << "setting a7 changes the output";
}

// Phasors feeding alternately sin and tanh: the phasors stack, the two halves of 20 do not
// (below kMinStackGroup) and read the phasors' elements back.
TEST_P(Stacking, MixedBankStacksOnlyWhatMatches) {
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) {
    const Value p = phasor(frequency(k));
    sum = sum + (k % 2 ? sin(p * 6.0) : tanh(p * 3.0));
  }
  EXPECT_EQ(summary(sum), "80 scalar nodes in 2 tensor nodes, 0 add chains summed:")
      << stack_dump(sum);
  expect_as_unstacked(sum);
}

// Phasors in series (each one's frequency read from a table at the last one's phase, the
// read being no stackable op) depend on each other within a frame: alike as they look,
// they must not stack. So with filters in series.
TEST_P(Stacking, NodesInSeriesDoNotStack) {
  const Value table = tensor({4}, {100, 200, 300, 400});
  Value p = phasor(peek(table, 0.5));
  Value chain = p;
  for (int k = 1; k < kBank; ++k) chain = chain + (p = phasor(peek(table, 3.0 * p)));
  EXPECT_EQ(summary(chain), "nothing to stack");
  expect_as_unstacked(chain);

  Value x = noise(2);
  for (int k = 0; k < kBank; ++k) {
    History y;
    const Value prev = y.read();
    x = y.write(prev + 0.3 * (x - prev));
  }
  EXPECT_EQ(summary(x), "nothing to stack");
  expect_as_unstacked(x);
}

// The bank's sum feeds back into every filter through one cell.
TEST_P(Stacking, BankInsideAFeedbackLoop) {
  History fb;
  const Value back = fb.read();
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) {
    History y;
    const Value prev = y.read();
    const Value in = phasor(frequency(k)) - 0.5 - 0.01 * back;
    sum = sum + y.write(prev + (0.1 + 0.01 * k) * (in - prev));
  }
  fb.write(sum);
  EXPECT_NE(summary(sum).find("1 add chains summed"), std::string::npos) << stack_dump(sum);
  expect_as_unstacked(sum);
}

// Biquads of noise (a noise node each, whose seed depends on its place in the graph):
// the filters' coefficient math, their cells and their inputs stack, and each noise
// keeps its own stream.
TEST_P(Stacking, BiquadBankOfNoiseRendersAsUnstacked) {
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) sum = sum + biquad(noise(), 200.0 + 50.0 * k, 0.7, 1.0, 0);
  EXPECT_NE(summary(sum).find("1 add chains summed"), std::string::npos) << stack_dump(sum);
  expect_as_unstacked(sum);
}

// Runs of any length with preserved state give what one run gives.
TEST_P(Stacking, StreamsLikeOneRun) {
  const Value bank = one_pole_bank() + phase_bank();
  Program whole({bank}, {.backend = GetParam().backend});
  whole.run(257);
  Program pieces({bank}, {.backend = GetParam().backend, .preserve_state = true});
  std::vector<float> streamed;
  for (int64_t n : {1, 16, 100, 140}) {
    pieces.run(n);
    streamed.insert(streamed.end(), pieces.output(0).begin(), pieces.output(0).end());
  }
  const std::vector<float> ref(whole.output(0).begin(), whole.output(0).end());
  test::expect_close_to_reference(streamed, ref);
}

INSTANTIATE_TEST_SUITE_P(Backends, Stacking, ::testing::ValuesIn(test::present_backends()),
                         test::backend_param_name);

// Gradients through a stacked bank (forward and backward graphs are stacked alike) match
// finite differences: sines of phasors whose frequencies are params, and one-pole filters.
TEST(StackingGrads, MatchFiniteDifferences) {
  std::vector<Param> params;
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) {
    Param f("f" + std::to_string(k), float(frequency(k)));
    params.push_back(f);
    sum = sum + sin(phasor(f) * 6.283185307179586) * (1.0 + 0.01 * k);
  }
  const Value loss = (sum + one_pole_bank(&params)) * (sum + noise(3));
  ASSERT_NE(summary(loss).find("add chains summed"), std::string::npos);
  GradCheckOptions o;
  o.frames = 48;
  const GradCheckResult r = check_gradients(loss, params, o);
  EXPECT_TRUE(r.ok) << r.report();
  EXPECT_EQ(r.entries.size(), size_t(2 * kBank));
}

// A GradProgram that also renders one phasor of a stacked bank (an output that is an
// element of a stacked node) gives the unstacked program's loss, gradients and output.
TEST(StackingGrads, GradProgramShowsAnElementOfAStackedBank) {
  std::vector<Param> freqs;
  std::vector<Value> phasors;
  Value sum = 0.0;
  for (int k = 0; k < kBank; ++k) {
    freqs.emplace_back("f" + std::to_string(k), float(frequency(k)));
    phasors.push_back(phasor(freqs.back()));
    sum = sum + sin(phasors.back() * 6.283185307179586);
  }
  const Value loss = mse(sum, noise(5));
  auto run = [&](bool stacked, Backend backend) {
    std::optional<test::ScopedEnv> off;
    if (!stacked) off.emplace("DGEN_STACK", "0");
    for (Param& f : freqs) f.zero_grad();
    GradProgram p(loss, {.backend = backend}, {}, {phasors[3]});
    std::vector<double> got{p.run(64)};
    for (const Param& f : freqs) got.push_back(f.grad()[0]);
    for (float x : p.output(0)) got.push_back(x);
    return got;
  };
  const std::vector<double> ref = run(false, Backend::Interp);
  for (const test::BackendParam& b : test::present_backends()) {
    SCOPED_TRACE(b.name);
    const std::vector<double> got = run(true, b.backend);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i)
      EXPECT_NEAR(got[i], ref[i], 1e-4 * (1 + std::fabs(ref[i]))) << "value " << i;
  }
  const std::vector<double> shown = run(true, Backend::Interp);
  EXPECT_NEAR(shown.back(), std::fmod(63 * frequency(3) / 44100, 1.0), 1e-5);
}

Value summed_phasors(int n) {
  Value sum = phasor(100.0);
  for (int k = 1; k < n; ++k) sum = sum + phasor(100.0 + 0.37 * k);
  return sum * (1.0 / n);
}

// 2000 phasors are one tensor phasor and a sum: the C source is no larger than that of a
// bank of 50 (numbers aside), and renders what the unstacked interpreter renders.
TEST(StackingSize, TwoThousandPhasorsCompileToTheSourceOfFifty) {
  const Value v = summed_phasors(2000);
  EXPECT_EQ(summary(v), "2000 scalar nodes in 1 tensor nodes, 1 add chains summed:");
  Program large({v}, {.backend = Backend::C}), small({summed_phasors(50)}, {.backend = Backend::C});
  EXPECT_LT(large.source().size(), small.source().size() + 200);
  large.run(64);
  test::expect_close_to_reference(
      std::vector<float>(large.output(0).begin(), large.output(0).end()),
      render_unstacked({v}, 64, Backend::Interp)[0]);
}

}  // namespace
}  // namespace dgen

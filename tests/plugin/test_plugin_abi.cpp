// The plugin ABI (SPEC §8): a plugin built from a schedule renders what Program renders,
// whatever the host's block size, keeps instances apart, obeys set_param and never
// lets a non-finite sample out.
#include <cmath>
#include <numbers>

#include "plugin_support.hpp"
#include "support.hpp"

namespace dgen::test {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

Param freq_param(float value = 440) {
  return Param("freq", value, {.min = 20.0f, .max = 20000.0f});
}

// A patch with serial state (phasor, biquad, delay), a hop-rate part (buffer and
// overlap-add) and a host input.
std::vector<Value> busy_patch(const Param& freq) {
  const Value osc = sin(phasor(freq) * kTwoPi);
  const Value filtered = biquad(osc + in(1) * 0.5, 2000.0, 0.7, 1.0, 0);
  const Value echoed = filtered + delay(filtered, 37.5, 100) * 0.3;
  const Value windowed = overlap_add(buffer(osc, 64, 16) * hann(64), 16);
  return {out(echoed, 1), out(windowed, 2)};
}

std::vector<float> ramp_input(int64_t frames) {
  std::vector<float> x(static_cast<size_t>(frames));
  for (int64_t t = 0; t < frames; ++t) x[size_t(t)] = float(std::sin(0.013 * double(t)) * 0.8);
  return x;
}

TEST(PluginAbi, ReportsVersionAndStateSize) {
  const Param freq = freq_param();
  const std::vector<Value> outs = busy_patch(freq);
  auto plugin = build_plugin(outs, {{freq.data()}, {1}, 44100});
  EXPECT_EQ(plugin->abi_version(), 1u);
  const Schedule schedule = make_schedule({outs[0].node(), outs[1].node()}, 1);
  EXPECT_EQ(int64_t(plugin->state_size()), plugin_state_size(schedule));
  EXPECT_GE(int64_t(plugin->state_size()), schedule.arena_bytes);
}

TEST(PluginAbi, BlockSizesGiveTheSamplesOfOneRun) {
  const Param freq = freq_param(523.25f);
  const std::vector<Value> outs = busy_patch(freq);
  constexpr int64_t kFrames = 3000;
  const std::vector<float> input = ramp_input(kFrames);
  const auto reference = render(outs, kFrames, Backend::C, 1, 44100, {{1, input}});
  auto plugin = build_plugin(outs, {{freq.data()}, {1}, 44100});
  for (const int64_t block : std::vector<int64_t>{1, 3, 64, 1000, kFrames}) {
    SCOPED_TRACE("block " + std::to_string(block));
    Instance instance(*plugin);
    const auto got = instance.render(kFrames, block, {input});
    // Bit for bit: the renderer's frame loops have no block-size-dependent remainder.
    for (size_t k = 0; k < outs.size(); ++k) expect_close_to_reference(got[k], reference[k], 0.0);
  }
}

// The plugin shares the C renderer's phasor: float64 phase, output in [0, 1), so ten
// steps of 0.1 at 1 kHz are phase 0 on frame 10 (not 1 or 0.99999994), in any blocks.
TEST(PluginAbi, PhasorLandingOnAWrapOutputsZero) {
  auto plugin = build_plugin({out(phasor(100.0), 1)}, {{}, {}, 1000});
  for (const int64_t block : std::vector<int64_t>{1, 7, 41}) {
    SCOPED_TRACE("block " + std::to_string(block));
    Instance instance(*plugin);
    const auto got = instance.render(41, block, {}, 1000)[0];
    for (size_t t = 0; t <= 40; t += 10) EXPECT_EQ(got[t], 0.0f) << "frame " << t;
    for (float v : got) EXPECT_LT(v, 1.0f);
  }
}

TEST(PluginAbi, TwoInstancesDoNotInterfere) {
  const Param freq = freq_param();
  const std::vector<Value> outs = busy_patch(freq);
  auto plugin = build_plugin(outs, {{freq.data()}, {1}, 44100});
  constexpr int64_t kFrames = 1200, kBlock = 100;
  const std::vector<float> input = ramp_input(kFrames);
  const std::vector<float> silence(kFrames, 0.0f);
  Instance alone_a(*plugin), alone_b(*plugin);
  alone_b.set(0, 1000);
  const auto want_a = alone_a.render(kFrames, kBlock, {input});
  const auto want_b = alone_b.render(kFrames, kBlock, {silence});

  Instance a(*plugin), b(*plugin);
  b.set(0, 1000);
  std::vector<std::vector<float>> got_a(2), got_b(2);
  for (int64_t at = 0; at < kFrames; at += kBlock) {
    const std::vector<float> in_a(input.begin() + at, input.begin() + at + kBlock);
    const auto block_a = a.render(kBlock, kBlock, {in_a});
    const auto block_b = b.render(kBlock, kBlock, {std::vector<float>(kBlock, 0.0f)});
    for (size_t k = 0; k < 2; ++k) {
      got_a[k].insert(got_a[k].end(), block_a[k].begin(), block_a[k].end());
      got_b[k].insert(got_b[k].end(), block_b[k].begin(), block_b[k].end());
    }
  }
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(got_a[k], want_a[k]);
    EXPECT_EQ(got_b[k], want_b[k]);
  }
  EXPECT_NE(want_a[0], want_b[0]);
}

TEST(PluginAbi, SetParamChangesTheOutputAndClampsToItsRange) {
  const Param freq = freq_param();
  auto plugin = build_plugin({out(sin(phasor(freq) * kTwoPi), 1)}, {{freq.data()}, {}, 44100});
  auto expect_sine = [](const std::vector<float>& got, double hz) {
    for (size_t t = 0; t < got.size(); ++t)
      ASSERT_NEAR(got[t], std::sin(kTwoPi * std::fmod(hz * double(t) / 44100, 1.0)), 2e-4)
          << "frame " << t;
  };
  Instance instance(*plugin);
  expect_sine(instance.render(500, 500)[0], 440);

  Instance changed(*plugin);
  changed.set(0, 1000);
  expect_sine(changed.render(500, 500)[0], 1000);

  Instance clamped(*plugin);
  clamped.set(0, 1e6f);  // max is 20000
  expect_sine(clamped.render(500, 500)[0], 20000);

  Instance ignored(*plugin);
  ignored.set(0, std::nanf(""));
  ignored.set(0, INFINITY);
  ignored.set(7, 1000);  // no such param
  expect_sine(ignored.render(500, 500)[0], 440);
}

// A bank of 40 oscillators is stacked into one tensor phasor (src/analysis/
// stack_scalars.hpp); each frequency param stays settable on its own.
TEST(PluginAbi, ParamsOfAStackedBankAreSetOneByOne) {
  std::vector<Param> freqs;
  PluginSpec spec{{}, {}, 44100};
  Value sum = 0.0;
  for (int k = 0; k < 40; ++k) {
    freqs.emplace_back("f" + std::to_string(k), float(100 + 10 * k), ParamOptions{0, 20000});
    spec.params.push_back(freqs.back().data());
    sum = sum + sin(phasor(freqs.back()) * kTwoPi);
  }
  auto plugin = build_plugin({out(sum, 1)}, spec);
  size_t sines = 0;  // one in the stacked loop, not one per oscillator
  for (size_t at = 0; (at = plugin->source.find("sinf(", at)) != std::string::npos; ++at) ++sines;
  EXPECT_LE(sines, 2u) << plugin->source;
  Instance changed(*plugin);
  changed.set(7, 1000);
  const std::vector<float> got = changed.render(300, 64)[0];
  for (size_t t = 0; t < got.size(); ++t) {
    double want = 0;
    for (int k = 0; k < 40; ++k) {
      const double hz = k == 7 ? 1000 : 100 + 10 * k;
      want += std::sin(kTwoPi * std::fmod(hz * double(t) / 44100, 1.0));
    }
    ASSERT_NEAR(got[t], want, 40 * 2e-4) << "frame " << t;
  }
}

TEST(PluginAbi, StateInitRestartsTheStream) {
  const Param freq = freq_param();
  const std::vector<Value> outs = busy_patch(freq);
  auto plugin = build_plugin(outs, {{freq.data()}, {1}, 44100});
  Instance instance(*plugin);
  const auto first = instance.render(700, 128);
  plugin->state_init(instance.state());
  EXPECT_EQ(instance.render(700, 128), first);
}

TEST(PluginAbi, InputsFeedTheirChannelsAndNullIsSilence) {
  // Plugin input 0 is the patch's channel 3.
  auto plugin = build_plugin({out(in(3) * 0.5, 1)}, {{}, {3}, 44100});
  const std::vector<float> x = ramp_input(300);
  Instance instance(*plugin);
  const auto got = instance.render(300, 64, {x});
  for (size_t t = 0; t < x.size(); ++t) ASSERT_FLOAT_EQ(got[0][t], x[t] * 0.5f);
  Instance silent(*plugin);
  EXPECT_EQ(silent.render(300, 64)[0], std::vector<float>(300, 0.0f));
}

TEST(PluginAbi, NullContextUsesTheCompiledSampleRate) {
  PluginSpec spec{{}, {}, 48000};
  spec.output_ceiling = 1e5;  // the output is the rate itself, above the default ceiling
  auto plugin = build_plugin({out(samplerate() + phasor(0.0), 1)}, spec);
  Instance instance(*plugin);
  EXPECT_EQ(instance.render(10, 10, {}, 22050)[0], std::vector<float>(10, 22050.0f));
  std::vector<float> got(10);
  float* outs[] = {got.data()};
  plugin->process(nullptr, outs, 10, instance.state(), nullptr);
  EXPECT_EQ(got, std::vector<float>(10, 48000.0f));
}

// A non-finite sample silences every output of the instance from its frame to the reset.
TEST(PluginAbi, NonFiniteSamplesSilenceTheInstance) {
  const Value zero = phasor(440.0) - phasor(440.0);
  auto plugin = build_plugin({out(1.0 / zero, 1), out(zero - 1.0, 2)}, {{}, {}, 44100});
  Instance instance(*plugin);
  const auto got = instance.render(1000, 100);
  for (size_t t = 0; t < got[0].size(); ++t) {
    ASSERT_EQ(got[0][t], 0.0f) << "frame " << t;
    ASSERT_EQ(got[1][t], 0.0f) << "frame " << t;
  }
}

// y[t] = 2 y[t-1] + 1, scaled by 0.5, runs away: frame t of each 256-frame period since
// the last reset is (2^(t+1) - 1) / 2. From the first sample above the ceiling the
// plugin outputs silence, and it resets the state (keeping the params) at the next check
// boundary, whatever the host's block size.
std::vector<float> runaway_stream(double ceiling, int64_t frames) {
  std::vector<float> want(static_cast<size_t>(frames));
  for (int64_t t = 0; t < frames; ++t) {
    float v = 0;
    for (int64_t k = 0; k <= t % kPluginCheckFrames; ++k) v = v * 2 + 1;
    want[size_t(t)] = std::fabs(v * 0.5f) <= ceiling ? v * 0.5f : 0.0f;
  }
  return want;
}

void expect_runaway_guarded(double ceiling, const PluginSpec& spec_without_params) {
  const Param gain("gain", 1.0f);
  History h;
  const Value y = h.write(h.read() * 2.0 + 1.0);
  PluginSpec spec = spec_without_params;
  spec.params = {gain.data()};
  auto plugin = build_plugin({out(y * gain, 1)}, spec);
  constexpr int64_t kFrames = 700;
  const std::vector<float> want = runaway_stream(ceiling, kFrames);
  for (int64_t block : {1, 3, 64, 1000}) {
    SCOPED_TRACE("block " + std::to_string(block));
    Instance instance(*plugin);
    instance.set(0, 0.5f);
    EXPECT_EQ(instance.render(kFrames, block)[0], want);
  }
}

TEST(PluginAbi, RunawayOutputIsSilencedAndResetOnCheckBoundaries) {
  const std::vector<float> want = runaway_stream(kDefaultOutputCeiling, 256);
  ASSERT_EQ(want[13], 8191.5f);  // the last sample under the default ceiling of 1e4
  ASSERT_EQ(want[14], 0.0f);
  expect_runaway_guarded(kDefaultOutputCeiling, {{}, {}, 44100});
}

TEST(PluginAbi, TheCeilingIsConfigurable) {
  PluginSpec spec{{}, {}, 44100};
  spec.output_ceiling = 1e30;
  const std::vector<float> want = runaway_stream(1e30, 256);
  ASSERT_EQ(want[99], std::ldexp(1.0f, 99));  // 6.3e29, the last sample under 1e30
  ASSERT_EQ(want[100], 0.0f);
  expect_runaway_guarded(1e30, spec);
  spec.output_ceiling = 3.4e38;  // the largest: only infinities and NaN are caught
  expect_runaway_guarded(3.4e38, spec);
  const Schedule s = make_schedule({out(phasor(1.0), 1).node()}, 1);
  for (double bad : {0.0, -1.0, double(INFINITY), double(NAN), 1e39}) {
    spec.output_ceiling = bad;
    EXPECT_THROW(plugin_source(s, spec), Error) << bad;
  }
}

// The README's patch once made the plugin emit 3.3e38 at 32 kHz with the cutoff at its
// maximum of 20 kHz (above Nyquist): biquad's clamped cutoff keeps it stable, so the
// plugin renders what Program renders, without a reset.
TEST(PluginAbi, ReadmeFilterAboveNyquistStaysStable) {
  const Param cutoff("cutoff", 800.0f, {.min = 20.0f, .max = 20000.0f});
  const std::vector<Value> outs = {out(biquad(phasor(110.0) * 2.0 - 1.0, cutoff, 4.0, 1.0, 0), 1)};
  auto plugin = build_plugin(outs, {{cutoff.data()}, {}, 32000});
  Instance instance(*plugin);
  instance.set(0, 20000.0f);
  const std::vector<float> got = instance.render(32000, 512, {}, 32000)[0];
  Param(cutoff).set(20000.0f);
  const std::vector<float> want = render(outs, 32000, Backend::C, 1, 32000)[0];
  expect_close_to_reference(got, want);
  for (float v : got) ASSERT_LE(std::fabs(v), 10.0f);
}

// With several lanes (an LV2 instrument's voices) each output is the sum of its lanes.
TEST(PluginAbi, LanesAreSummedIntoEachOutput) {
  const Param freq = freq_param(300);
  const std::vector<Value> outs = busy_patch(freq);
  auto one = build_plugin(outs, {{freq.data()}, {1}, 44100});
  auto three = build_plugin(outs, {{freq.data()}, {1}, 44100}, 3);
  EXPECT_GT(three->state_size(), one->state_size());
  const std::vector<float> input = ramp_input(1500);
  for (const int64_t block : std::vector<int64_t>{1, 64, 700}) {
    SCOPED_TRACE("block " + std::to_string(block));
    Instance a(*one), b(*three);
    a.set(0, 523.25f);
    b.set(0, 523.25f);  // every lane
    const auto want = a.render(1500, block, {input});
    const auto got = b.render(1500, block, {input});
    for (size_t k = 0; k < outs.size(); ++k)
      for (size_t t = 0; t < want[k].size(); ++t)
        // Lanes may round a libm call differently (vectorised across lanes or frames).
        ASSERT_NEAR(got[k][t], 3.0f * want[k][t], 1e-5) << "output " << k << " frame " << t;
  }
}

TEST(PluginAbi, RejectsWhatAPluginCannotCarry) {
  const Schedule tensor_out = make_schedule({out(phasor(tensor({2}, {100, 200})), 1).node()}, 1);
  EXPECT_THROW(plugin_source(tensor_out, {}), Error);
  const Param table("table", {3}, {1, 2, 3});
  const Schedule uses_tensor = make_schedule({out(sum(Value(table)) * phasor(1.0), 1).node()}, 1);
  EXPECT_THROW(plugin_source(uses_tensor, {{table.data()}, {}, 44100}), Error);
}

}  // namespace
}  // namespace dgen::test

// SPEC §5 lanes: a program compiled with B lanes renders B independent voices, each with
// its own state; a scalar param is shared by all lanes or per lane. Outputs are laid out
// [frame][element][lane].
#include <functional>
#include <numbers>

#include "backend/c/render_c.hpp"
#include "schedule/schedule.hpp"
#include "support.hpp"

namespace dgen {
namespace {

const double kTwoPi = 2 * std::numbers::pi;
const Backend kBackends[] = {Backend::Interp, Backend::C};
const char* name(Backend b) { return b == Backend::C ? "C" : "interpreter"; }

// A voice with state of several kinds, driven by a frequency param.
Value voice(const Param& freq) {
  History h;
  const Value tone = sin(kTwoPi * phasor(freq));
  const Value fb = h.write(tanh(0.5 * h.read() + tone));
  return biquad(fb + 0.1 * delay(fb, 3.5, 8), 2000.0, 1.5, 1.0, 0);
}

std::vector<float> lane_of(const std::vector<float>& out, int lane, int lanes) {
  std::vector<float> one;
  for (size_t i = size_t(lane); i < out.size(); i += size_t(lanes)) one.push_back(out[i]);
  return one;
}

TEST(Lanes, PerLaneParamsRenderIndependentVoices) {
  const std::vector<float> freqs = {110, 220, 330.5f};
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    Param freq("freq", 0.0f);
    freq.set_per_lane(freqs);
    const auto all = test::render1(voice(freq), 700, b, 3);
    ASSERT_EQ(all.size(), 700u * 3);
    for (int l = 0; l < 3; ++l) {
      SCOPED_TRACE("lane " + std::to_string(l));
      Param single("freq", freqs[size_t(l)]);
      test::expect_close_to_reference(lane_of(all, l, 3), test::render1(voice(single), 700, b),
                                      1e-6);
    }
  }
}

TEST(Lanes, SharedParamGivesTheSameVoiceInEveryLane) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    Param freq("freq", 440.0f);
    const auto all = test::render1(voice(freq), 300, b, 8);
    for (int l = 1; l < 8; ++l) EXPECT_EQ(lane_of(all, l, 8), lane_of(all, 0, 8)) << "lane " << l;
  }
}

TEST(Lanes, EachLaneHasItsOwnState) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    Param inc("inc", 0.0f);
    inc.set_per_lane({1, 2, 3});
    History h;
    const auto out = test::render1(h.write(h.read() + inc), 5, b, 3);
    for (int t = 0; t < 5; ++t)
      for (int l = 0; l < 3; ++l) EXPECT_EQ(out[size_t(t * 3 + l)], float((l + 1) * (t + 1)));
  }
}

// A signal tensor [2] times a per-lane gain, 8 lanes: element (t, e, l) at (t * 2 + e) * 8 + l.
TEST(Lanes, SignalTensorLayoutIsFrameElementLane) {
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    Param gain("gain", 0.0f);
    gain.set_per_lane({1, 2, 3, 4, 5, 6, 7, 8});
    const auto out = test::render1(phasor(tensor({2}, {441, 4410})) * gain, 10, b, 8);
    ASSERT_EQ(out.size(), 10u * 2 * 8);
    for (int t = 0; t < 10; ++t)
      for (int e = 0; e < 2; ++e)
        for (int l = 0; l < 8; ++l) {
          const double phase = std::fmod(t * (e == 0 ? 0.01 : 0.1), 1.0);
          EXPECT_NEAR(out[size_t((t * 2 + e) * 8 + l)], phase * (l + 1), 1e-5);
        }
  }
}

// What depends only on host inputs, constants and state driven by them — a filter of the
// input (a history cell), a delay, noise, a spectral comparison of two such signals — is
// the same in every lane (docs/ARCHITECTURE.md, "Lanes innermost").
Value shared_by_every_lane() {
  const Value x = in(1);
  History h;
  const Value lowpass = h.write(0.9 * h.read() + 0.1 * x);
  return lowpass + 0.01 * noise(3) + delay(x, 2.5, 4) +
         0.001 * spectral_loss(x, lowpass, {.n = 64, .hop = 16});
}

Value per_lane_voice(const Param& gain) {
  const Value shared = shared_by_every_lane();
  return gain * shared + sin(shared);
}

// Each lane of a 4-lane render of voice(gain), with a per-lane gain and a random signal on
// input 1, on every backend, is the interpreter's 1-lane render at its gain.
void expect_each_lane_is_its_one_lane_render(const std::function<Value(const Param&)>& voice,
                                             int64_t frames, uint32_t seed) {
  const std::vector<float> gains = {0.5f, 1.0f, 2.0f, -1.0f};
  const std::vector<float> x = test::random_uniform(frames, seed);
  const std::vector<InputChannel> inputs = {{1, x}};
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    Param gain("gain", 0.0f);
    gain.set_per_lane(gains);
    const auto all = test::render({voice(gain)}, frames, b, 4, 44100, inputs)[0];
    for (int l = 0; l < 4; ++l) {
      SCOPED_TRACE("lane " + std::to_string(l));
      Param single("gain", gains[size_t(l)]);
      const auto one = test::render({voice(single)}, frames, Backend::Interp, 1, 44100, inputs)[0];
      test::expect_close_to_reference(lane_of(all, l, 4), one, 1e-5);
    }
  }
}

// The C backend computes such values once, in lane 0, and every lane reads lane 0's: each
// lane of a 4-lane render with a per-lane gain is the 1-lane render at its gain and the
// interpreter's.
TEST(Lanes, ValuesEveryLaneSharesAreComputedOnceAndReadByEveryLane) {
  expect_each_lane_is_its_one_lane_render(per_lane_voice, 700, 11);
  // In the generated C, the shared nodes' loops run over lane 0 alone.
  Param gain("gain", 1.0f);
  const std::string src =
      render_c(make_schedule({out(per_lane_voice(gain), 1).node()}, /*lanes=*/4));
  EXPECT_NE(src.find("l < 1;"), std::string::npos);
  EXPECT_NE(src.find("l < L;"), std::string::npos);
}

// The code of each partitioned_spectral_mac node in a C source: from its comment to the
// next node's.
std::vector<std::string> mac_code(const std::string& src) {
  std::vector<std::string> code;
  for (size_t at = src.find("partitioned_spectral_mac#"); at != std::string::npos;
       at = src.find("partitioned_spectral_mac#", at + 1))
    code.push_back(src.substr(at, src.find("/* ", at) - at));
  return code;
}

// A partitioned convolution (a reverb) of a signal every lane shares runs once, in lane 0
// — a search's 64 candidates convolved the same dry signal 64 times, 22 s a run for
// examples/convolution-reverb.lisp — and one of a signal that differs per lane runs in
// every lane, its loops over lanes innermost. Either way each lane is the 1-lane render.
Value reverbs(const Param& gain) {
  const std::vector<float> taps = test::random_uniform(300, 6);
  const Value ir = tensor({300}, taps);
  return gain * partitioned_convolve(in(1), ir, 16) + partitioned_convolve(gain * in(1), ir, 8);
}

TEST(Lanes, APartitionedConvolutionRunsOnceForASharedSignalAndInEveryLaneOtherwise) {
  expect_each_lane_is_its_one_lane_render(reverbs, 900, 5);
  Param gain("gain", 1.0f);
  const std::vector<std::string> macs =
      mac_code(render_c(make_schedule({out(reverbs(gain), 1).node()}, /*lanes=*/4)));
  ASSERT_EQ(macs.size(), 2u);
  int once = 0, every = 0;
  for (const std::string& code : macs) {
    once += code.find("l < 1;") != std::string::npos && code.find("l < L;") == std::string::npos;
    every += code.find("l < L;") != std::string::npos && code.find("l < 1;") == std::string::npos;
  }
  EXPECT_EQ(once, 1);
  EXPECT_EQ(every, 1);
}

TEST(Lanes, PerLaneParamNeedsOneValuePerLane) {
  Param gain("gain", 0.0f);
  gain.set_per_lane({1, 2});
  RenderOptions o;
  o.backend = Backend::Interp;
  o.lanes = 3;
  Program p({phasor(100.0) * gain}, o);
  try {
    p.run(4);
    ADD_FAILURE() << "no error for 2 values on 3 lanes";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("one per lane"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dgen

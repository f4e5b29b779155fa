// SPEC §4 streaming: with preserve_state, rendering 8192 frames in blocks of any size
// gives the same signal as one run of 8192 frames, on every backend present.
#include <numbers>

#include "support.hpp"

namespace dgen {
namespace {

constexpr int64_t kFrames = 8192;

// One graph with state of every kind: phasor (with reset), accum, history feedback, a
// tensor cell with hop, latch, click, noise, a modulated fractional delay, a modulated
// biquad, a compressor, and a spectral chain (buffer, FFT, gain, inverse FFT, Hann
// overlap-add), a hop hold and a spectral loss.
std::vector<Value> every_kind_of_state() {
  const double two_pi = 2 * std::numbers::pi;
  const Value lfo = sin(two_pi * phasor(3.0));
  const Value tone = sin(two_pi * phasor(220.0 + 30.0 * lfo, gt(noise(9), 0.999)));
  const Value ramp = accum(0.001, click(), -1.0, 1.0);

  History fb;
  const Value echo = fb.write(tanh(0.6 * delay(fb.read(), 40.5 + 30.0 * lfo, 100) + 0.5 * tone));

  History frames({3}, {1, 2, 3}, 64);
  const Value held = frames.read();
  frames.write(tanh(0.9 * held + tensor({3}, {0.1f, -0.2f, 0.3f}) * ramp));

  const Value sampled = latch(tone, gt(sin(two_pi * phasor(5.0)), 0.9));
  const Value filtered = biquad(echo + 0.1 * noise(), 1200.0 + 800.0 * lfo, 1.5, 1.0, 2);
  const Value squashed = compressor(filtered, 4.0, -20.0, 6.0, 0.002, 0.05);

  const auto [re, im] = fft(buffer(echo, 32, 8));
  const Value gain = tensor({32}, std::vector<float>(32, 0.5f));
  const Value resynthesised = overlap_add(ifft(re * gain, im * gain) * hann(32), 8);
  const Value loss =
      spectral_loss(tone + 0.1 * noise(), squashed + 0.1 * noise(), {.n = 64, .hop = 16});
  return {out(squashed, 1), out(held * sampled, 2), out(ramp + click(), 3),
          out(resynthesised + hop_hold(ramp, 8), 4), out(loss, 5)};
}

std::vector<std::vector<float>> render_in_blocks(
    Backend backend, int64_t block, std::vector<Value> (*patch)() = every_kind_of_state,
    int lanes = 1) {
  RenderOptions o;
  o.backend = backend;
  o.preserve_state = true;
  o.lanes = lanes;
  Program p(patch(), o);
  std::vector<std::vector<float>> out(p.output_count());
  for (int64_t done = 0; done < kFrames; done += block) {
    p.run(std::min(block, kFrames - done));
    for (size_t k = 0; k < out.size(); ++k)
      out[k].insert(out[k].end(), p.output(k).begin(), p.output(k).end());
  }
  return out;
}

class Streaming : public ::testing::TestWithParam<test::BackendParam> {};

TEST_P(Streaming, BlockSizeDoesNotChangeTheResult) {
  const auto whole = render_in_blocks(GetParam().backend, kFrames);
  // Both backends are exact: the C backend's frame loops never end in a scalar remainder
  // whose math calls would round differently from the vectorised ones.
  for (int64_t block : {1, 7, 64, 4096}) {
    SCOPED_TRACE("blocks of " + std::to_string(block));
    const auto pieces = render_in_blocks(GetParam().backend, block);
    ASSERT_EQ(pieces.size(), whole.size());
    for (size_t k = 0; k < whole.size(); ++k) {
      SCOPED_TRACE("output " + std::to_string(k));
      test::expect_close_to_reference(pieces[k], whole[k], 0.0);
    }
  }
}

// In lanes too, where everything of this graph is the same in every lane and the C
// backend computes its tensors once, in lane 0 (docs/ARCHITECTURE.md, "Lanes innermost").
TEST_P(Streaming, BlockSizeDoesNotChangeTheResultInLanes) {
  const auto whole = render_in_blocks(GetParam().backend, kFrames, every_kind_of_state, 4);
  for (int64_t block : {1, 7, 64}) {
    SCOPED_TRACE("blocks of " + std::to_string(block));
    const auto pieces = render_in_blocks(GetParam().backend, block, every_kind_of_state, 4);
    for (size_t k = 0; k < whole.size(); ++k) {
      SCOPED_TRACE("output " + std::to_string(k));
      test::expect_close_to_reference(pieces[k], whole[k], 0.0);
    }
  }
}

// Without preserve_state every run starts from a fresh state.
TEST_P(Streaming, WithoutPreserveStateEveryRunStartsFresh) {
  RenderOptions o;
  o.backend = GetParam().backend;
  Program p(every_kind_of_state(), o);
  p.run(1000);
  const std::vector<float> first(p.output(0).begin(), p.output(0).end());
  p.run(1000);
  EXPECT_EQ(std::vector<float>(p.output(0).begin(), p.output(0).end()), first);
}

// A program keeps its output memory while a run fits in it and does not zero it between
// runs: a run writes every float of its outputs. Runs of 1000, 300 and 1000 frames of a
// stream, each over the last one's values in the same memory, give one run's 2300 frames
// in every output and lane.
TEST_P(Streaming, OutputMemoryIsReusedAndWrittenInFull) {
  RenderOptions o;
  o.backend = GetParam().backend;
  o.lanes = 3;
  o.preserve_state = true;
  Program whole(every_kind_of_state(), o), pieces(every_kind_of_state(), o);
  whole.run(2300);
  std::vector<std::vector<float>> got(pieces.output_count());
  const float* memory = nullptr;
  for (int64_t frames : {1000, 300, 1000}) {
    pieces.run(frames);
    if (!memory) memory = pieces.output(0).data();
    EXPECT_EQ(pieces.output(0).data(), memory);
    for (size_t k = 0; k < got.size(); ++k)
      got[k].insert(got[k].end(), pieces.output(k).begin(), pieces.output(k).end());
  }
  for (size_t k = 0; k < got.size(); ++k) {
    SCOPED_TRACE("output " + std::to_string(k));
    const std::span<const float> want = whole.output(k);
    test::expect_close_to_reference(got[k], std::vector<float>(want.begin(), want.end()), 0.0);
  }
}

// reset() makes the next streamed run start over.
TEST_P(Streaming, ResetRestartsAStream) {
  RenderOptions o;
  o.backend = GetParam().backend;
  o.preserve_state = true;
  Program p(every_kind_of_state(), o);
  p.run(500);
  const std::vector<float> first(p.output(0).begin(), p.output(0).end());
  p.run(500);
  EXPECT_NE(std::vector<float>(p.output(0).begin(), p.output(0).end()), first);
  p.reset();
  p.run(500);
  EXPECT_EQ(std::vector<float>(p.output(0).begin(), p.output(0).end()), first);
}

// A struck 16-point string: a tensor recurrence (two history cells and a Laplacian) driven
// by a modulated band-pass biquad whose input feeds back from the string through a
// modulated delay. The excitation (exp, noise) and the biquad's coefficients (sin, cos of a
// moving cutoff) are math calls in frame-parallel loops; the output goes through tanh.
std::vector<Value> struck_string() {
  const double two_pi = 2 * std::numbers::pi;
  const Value lfo = sin(two_pi * phasor(3.0));
  const Value strike = exp(-40.0 * phasor(30.0)) * noise(3);
  History u({16}), u_prev({16}), fb;
  const Value now = u.read();
  const Value laplacian = conv1d(now, tensor({3}, {1, -2, 1}), Padding::Same);
  const Value back = delay(fb.read(), 24.5 + 8.0 * lfo, 64);
  const Value driven = biquad(strike + 0.02 * back, 900.0 + 500.0 * lfo, 3.0, 1.0, 2);
  fb.write(peek(now, 4.5));
  const Value bump = tensor({16}, {0, 0.1f, 0.4f, 1, 0.4f, 0.1f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  const Value next = 0.9995 * (2.0 * now - u_prev.read() + 0.3 * laplacian) + driven * bump;
  u_prev.write(now);
  u.write(next);
  return {out(tanh(3.0 * peek(next, 11.3)), 1), out(driven, 2)};
}

// Streaming is exact: every block size gives the same bits as one run, on the C backend
// too (its frame loops never finish with scalar math calls that round differently).
TEST(StreamingC, FeedbackPatchIsBitIdenticalAtEveryBlockSize) {
  const auto whole = render_in_blocks(Backend::C, kFrames, struck_string);
  double peak = 0;
  for (float v : whole[0]) peak = std::max(peak, double(std::fabs(v)));
  ASSERT_GT(peak, 0.01);  // it sounds, and stays finite
  ASSERT_TRUE(std::isfinite(peak));
  for (int64_t block : {1, 7, 8, 128, 256, 1000}) {
    SCOPED_TRACE("blocks of " + std::to_string(block));
    const auto pieces = render_in_blocks(Backend::C, block, struck_string);
    for (size_t k = 0; k < whole.size(); ++k) {
      SCOPED_TRACE("output " + std::to_string(k));
      for (size_t i = 0; i < whole[k].size(); ++i)
        ASSERT_EQ(pieces[k][i], whole[k][i]) << "frame " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Streaming, ::testing::ValuesIn(test::present_backends()),
                         test::backend_param_name);

}  // namespace
}  // namespace dgen

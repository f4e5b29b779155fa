// The training loop converges on small problems with known answers: each target is
// rendered from the answer, the model starts elsewhere, and training must find it.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "dgen/dgen.hpp"
#include "train/trainer.hpp"

namespace dgen::train {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr double kSr = 44100;

TrainConfig adam(int epochs, double lr) {
  TrainConfig c;
  c.epochs = epochs;
  c.lr = lr;
  c.render.backend = Backend::C;
  return c;
}

// White noise from xorshift32, independent of dgen's noise op.
std::vector<float> white_noise(size_t frames) {
  std::vector<float> x(frames);
  uint32_t s = 12345;
  for (float& v : x) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v = float(2.0 * s / 4294967296.0 - 1);
  }
  return x;
}

std::vector<float> render(const Value& v, int64_t frames,
                          const std::vector<InputChannel>& inputs = {}) {
  RenderOptions o;
  o.backend = Backend::C;
  Program p({v}, o);
  p.run(frames, inputs);
  return {p.output(0).begin(), p.output(0).end()};
}

// 300 → 440 Hz is 6.5 bins of a 2048-point spectrum: too far for a single 2048-point
// magnitude loss, whose slope outside about ±3 bins of the target only follows the
// ripple of the window's side lobes (from 300 Hz it leads down, not up). The
// multi-resolution loss includes the 2048-point spectrum and adds short windows, whose
// wide main lobes overlap from 300 Hz and lead to 440.
TEST(Convergence, PhasorFrequencyWithASpectralLoss) {
  const int64_t frames = 4096;
  std::vector<float> target(static_cast<size_t>(frames));
  for (int64_t t = 0; t < frames; ++t)
    target[size_t(t)] = float(std::sin(kTwoPi * 440 * double(t) / kSr));
  Param freq("freq", 300.0f, {.min = 50.0f, .max = 2000.0f});
  const TrainProblem problem{
      sin(kTwoPi * phasor(freq)), target, {}, parse_loss_spec("mrstft"), {freq}};
  const TrainResult r = train(problem, adam(40, 0.015));
  EXPECT_NEAR(freq.value(), 440, 4.4);  // 1 %
  EXPECT_LT(r.final_loss, 0.3 * r.initial_loss);
}

TEST(Convergence, BiquadCutoffAndQ) {
  // Noise through a lowpass at 1 kHz, Q 2; the model starts at 400 Hz, Q 1.
  const int64_t frames = 8192;
  const std::vector<float> noise = white_noise(size_t(frames));
  const std::vector<InputChannel> inputs{{1, noise}};
  const std::vector<float> target = render(biquad(in(1), 1000.0, 2.0, 1.0, 0), frames, inputs);
  Param cutoff("cutoff", 400.0f, {.min = 50.0f, .max = 10000.0f});  // log coordinates
  Param q("q", 1.0f, {.min = 0.3f, .max = 10.0f});                  // linear
  const TrainProblem problem{
      biquad(in(1), cutoff, q, 1.0, 0), target, inputs, parse_loss_spec("mse"), {cutoff, q}};
  const TrainResult r = train(problem, adam(100, 0.05));
  EXPECT_NEAR(cutoff.value(), 1000, 10);
  EXPECT_NEAR(q.value(), 2.0, 0.05);
  EXPECT_LT(r.final_loss, 1e-4 * r.initial_loss);
}

TEST(Convergence, ThirtyTwoHarmonicAmplitudes) {
  // Σ_k a_k sin(2π k f0 t) for k = 1..32 with a_k = 1/k, from all a_k = 0.5.
  constexpr int kHarmonics = 32;
  const int64_t frames = 4096;
  std::vector<float> ks, answer;
  for (int k = 1; k <= kHarmonics; ++k) {
    ks.push_back(float(k));
    answer.push_back(1.0f / float(k));
  }
  const Value harmonics = tensor({kHarmonics}, ks);
  const Value partials = sin(kTwoPi * phasor(100.0) * harmonics);  // a [32] signal tensor
  std::vector<float> target(static_cast<size_t>(frames));
  for (int64_t t = 0; t < frames; ++t)
    for (int k = 1; k <= kHarmonics; ++k)
      target[size_t(t)] += float(std::sin(kTwoPi * k * 100 * double(t) / kSr) / k);
  Param amps("amps", Shape{kHarmonics}, std::vector<float>(kHarmonics, 0.5f),
             {.min = 0.0f, .max = 1.0f});
  const TrainProblem problem{sum(amps * partials), target, {}, parse_loss_spec("mse"), {amps}};
  const TrainResult r = train(problem, adam(150, 0.02));
  for (int k = 0; k < kHarmonics; ++k)
    EXPECT_NEAR(amps.values()[size_t(k)], answer[size_t(k)], 0.01) << "harmonic " << k + 1;
  EXPECT_LT(r.final_loss, 1e-3 * r.initial_loss);
}

}  // namespace
}  // namespace dgen::train

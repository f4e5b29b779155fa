// The training loop converges on small problems with known answers: each target is
// rendered from the answer, the model starts elsewhere, and training must find it.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "dgen/dgen.hpp"
#include "lisp/patch.hpp"
#include "train/coords.hpp"
#include "train/trainer.hpp"

namespace dgen::train {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr double kSr = 44100;

TrainConfig adam(int epochs, double lr) {
  TrainConfig c;
  c.epochs = epochs;
  c.schedule.lr = lr;
  c.render.backend = Backend::C;
  c.search.method = "none";  // the gradient loop alone (tests/train/test_search.cpp: the search)
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
  const TrainResult r = train(problem, adam(100, 0.03));
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

// A two-pole recursion y = x + b·x[t-1] - a1·y[t-1] - a2·y[t-2] whose three coefficients
// are params (no biquad: the feedback coefficients themselves are trained), noise in.
Value two_pole(const Value& x, const Value& b, const Value& a1, const Value& a2) {
  History x1, y1, y2;
  const Value py1 = y1.read(), py2 = y2.read();
  const Value y = x + b * x1.read() - a2 * py2 - a1 * py1;
  x1.write(x);
  y2.write(py1);
  y1.write(y);
  return y;
}

TEST(Convergence, IirCoefficients) {
  const int64_t frames = 8192;
  const std::vector<float> noise = white_noise(size_t(frames));
  const std::vector<InputChannel> inputs{{1, noise}};
  const std::vector<float> target = render(two_pole(in(1), 0.5, -1.2, 0.6), frames, inputs);
  Param b("b", 0.0f, {.min = -1.0f, .max = 1.0f});
  Param a1("a1", -0.8f, {.min = -1.9f, .max = 1.9f});
  Param a2("a2", 0.3f, {.min = -0.95f, .max = 0.95f});
  const TrainProblem problem{
      two_pole(in(1), b, a1, a2), target, inputs, parse_loss_spec("mse"), {b, a1, a2}};
  const TrainResult r = train(problem, adam(400, 0.02));
  EXPECT_NEAR(b.value(), 0.5, 0.01);
  EXPECT_NEAR(a1.value(), -1.2, 0.01);
  EXPECT_NEAR(a2.value(), 0.6, 0.01);
  EXPECT_LT(r.final_loss, 1e-3 * r.initial_loss);
}

// Every timbre param of examples/subtractive.lisp (16 of them: levels, pulse width, both
// filters, gain, both ADSRs) from a target the patch rendered with hidden values, each
// 5 % of its unit coordinate away from the patch default, where training starts. Held at
// their defaults: the score (pitch, tempo, demo, key, velocity: the notes, not the sound)
// and drive, which only scales the two oscillator levels into the ladder's tanh — any
// (drive, levels) with the same products sounds the same, so no loss can tell them apart.
TEST(Convergence, SubtractiveExampleParams) {
  lisp::Patch patch =
      lisp::load_patch_file(std::string(DGEN_SOURCE_DIR) + "/examples/subtractive.lisp");
  std::vector<Param> trained;
  std::vector<double> hidden;
  for (lisp::ParamInfo& info : patch.params) {
    const std::string& name = info.param.name();
    if (name == "pitch" || name == "tempo" || name == "demo" || name == "drive" || name == "key" ||
        name == "velocity")
      continue;
    const UnitCoordinate u =
        UnitCoordinate::for_range(*info.param.data()->min, *info.param.data()->max);
    const double seed = u.to_unit(info.default_value);
    const double step = trained.size() % 2 ? 0.05 : -0.05;  // alternate directions
    hidden.push_back(u.from_unit(seed + (seed + step < 0 || seed + step > 1 ? -step : step)));
    trained.push_back(info.param);
  }
  ASSERT_EQ(trained.size(), 16u);
  for (size_t k = 0; k < trained.size(); ++k) trained[k].set(float(hidden[k]));
  const std::vector<float> target = render(patch.outputs.at(0), 22050);  // 0.5 s
  for (lisp::ParamInfo& info : patch.params) info.param.set(info.default_value);
  const TrainProblem problem{patch.outputs.at(0), target, {}, parse_loss_spec("mse"), trained};
  const TrainResult r = train(problem, adam(400, 0.01));
  EXPECT_LT(r.final_loss, 0.05 * r.initial_loss);
  for (size_t k = 0; k < trained.size(); ++k) {
    const ParamData& d = *trained[k].data();
    const UnitCoordinate u = UnitCoordinate::for_range(*d.min, *d.max);
    EXPECT_NEAR(u.to_unit(trained[k].value()), u.to_unit(hidden[k]), 0.05)
        << d.name << ": " << trained[k].value() << ", hidden " << hidden[k];
  }
}

}  // namespace
}  // namespace dgen::train

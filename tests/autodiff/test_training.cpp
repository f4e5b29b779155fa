// Gradients used for training: gradient descent recovers hidden params from a rendered
// target, and a million-frame run stays within bounded memory (checkpointed segments).
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <numbers>

#include "support.hpp"

namespace dgen {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

// Adam (textbook) on the params' float values, for `steps` steps of GradProgram::run.
void fit(GradProgram& program, const std::vector<Param>& params, const std::vector<double>& lr,
         int steps, int64_t frames, const std::vector<InputChannel>& inputs) {
  std::vector<double> m(params.size(), 0.0), v(params.size(), 0.0);
  for (int step = 1; step <= steps; ++step) {
    for (const Param& p : params) p.data()->grad.assign(1, 0.0);
    program.run(frames, inputs);
    for (size_t k = 0; k < params.size(); ++k) {
      const double g = params[k].grad()[0];
      m[k] = 0.9 * m[k] + 0.1 * g;
      v[k] = 0.999 * v[k] + 0.001 * g * g;
      const double mh = m[k] / (1 - std::pow(0.9, step)), vh = v[k] / (1 - std::pow(0.999, step));
      params[k].data()->value[0] = float(params[k].value() - lr[k] * mh / (std::sqrt(vh) + 1e-12));
    }
  }
}

std::vector<float> render_target(const Value& v, int64_t frames) {
  return test::render1(v, frames, Backend::Auto);
}

TEST(Training, GradientDescentRecoversOnePoleCoefficient) {
  auto one_pole = [](const Value& a) {
    History y1;
    const Value y = (1.0 - a) * noise(1) + a * y1.read();
    y1.write(y);
    return y;
  };
  const int64_t n = 512;
  const std::vector<float> target = render_target(one_pole(0.93), n);
  Param a("a", 0.5f);
  GradProgram program(mse(one_pole(a), in(1)), {.backend = Backend::Auto});
  const double before = program.forward(n, {{1, target}});
  fit(program, {a}, {0.01}, 400, n, {{1, target}});
  EXPECT_NEAR(a.value(), 0.93, 1e-3);
  EXPECT_LT(program.forward(n, {{1, target}}), 1e-4 * before);
}

TEST(Training, GradientDescentRecoversSineFrequencyAndAmplitude) {
  auto sine = [](const Value& f, const Value& amp) { return amp * sin(kTwoPi * phasor(f)); };
  const int64_t n = 512;
  const std::vector<float> target = render_target(sine(440.0, 0.7), n);
  Param f("f", 432.0f), amp("amp", 0.3f);
  GradProgram program(mse(sine(f, amp), in(1)), {.backend = Backend::Auto});
  fit(program, {f, amp}, {0.2, 0.01}, 600, n, {{1, target}});
  EXPECT_NEAR(f.value(), 440.0, 0.05);
  EXPECT_NEAR(amp.value(), 0.7, 1e-3);
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Two saws through a resonant lowpass under a decaying envelope, against a target, over
// 2^20 frames with the automatic segment length: the tape and checkpoints stay bounded.
TEST(Training, MillionFrameVoiceStaysInBoundedMemory) {
  const int64_t n = int64_t(1) << 20;
  Param f1("f1", 110.0f), f2("f2", 110.7f), cutoff("cutoff", 1200.0f), q("q", 3.0f),
      decay("decay", 0.99999f);
  const Value saws = 2.0 * phasor(f1) - 1.0 + 2.0 * phasor(f2) - 1.0;
  History env({}, {1.0f});
  const Value e = env.read();
  env.write(e * decay);
  const Value voice = biquad(saws, cutoff, q, 1.0, 0) * e;
  std::vector<float> target(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) target[size_t(t)] = float(0.1 * std::sin(0.01 * double(t)));
  GradProgram program(mse(voice, in(1)), {.backend = Backend::Auto});
  const long before = peak_rss_kb();
  const double loss = program.run(n, {{1, target}});
  const long after = peak_rss_kb();
  std::printf(
      "[ memory   ] 2^20 frames, segment %lld frames: peak RSS %.1f MB (%.1f MB before the run)\n",
      static_cast<long long>(program.segment_frames()), double(after) / 1024,
      double(before) / 1024);
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_LT(program.segment_frames(), n);  // the tape budget forces checkpointed segments
  EXPECT_LT(after, 1024L * 1024);          // KB: well under 1 GB for the whole test process
  for (const Param& p : {f1, f2, cutoff, q, decay})
    EXPECT_TRUE(std::isfinite(p.grad()[0])) << p.name();
}

}  // namespace
}  // namespace dgen

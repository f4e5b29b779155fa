// The log-mel and loudness-envelope losses (docs/TRAINING.md "Losses"): values against
// closed forms, gradients against finite differences at hops 1, 2, a non-divisor of the
// window, a quarter of it and all of it (tests/oracle/ checks both against PyTorch).
#include <cmath>
#include <numbers>

#include "autodiff/check_gradients.hpp"
#include "dgen/perceptual_losses.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

double loss_of(const Value& loss, int64_t frames) {
  double total = 0;
  for (float v : test::render1(loss, frames)) total += v;
  return total;
}

// A sound scaled by g: every window's energy, and every mel band's, is g² times the
// original's, so (with a negligible floor) each loudness term is |20 log10 g| dB and each
// log-mel term |2 ln g|; the losses are means, so those are their values.
TEST(PerceptualLosses, ScaledSoundHasClosedFormLoss) {
  const Value x = sin(kTwoPi * phasor(997.0)) + 0.3 * noise(3);
  const int64_t frames = 4096;
  for (double g : {0.5, 2.0, 0.1}) {
    SCOPED_TRACE("gain " + std::to_string(g));
    EXPECT_NEAR(loss_of(loudness_loss(g * x, x, {.n = 512, .eps = 1e-6, .frames = frames}), frames),
                std::fabs(20 * std::log10(g)), 1e-3);
    EXPECT_NEAR(loss_of(logmel_loss(g * x, x, {.n = 512, .eps = 1e-6, .frames = frames}), frames),
                std::fabs(2 * std::log(g)), 1e-3);
  }
}

TEST(PerceptualLosses, EqualSoundsCostNothing) {
  const Value x = sin(kTwoPi * phasor(440.0));
  EXPECT_EQ(loss_of(loudness_loss(x, x, {.n = 256, .frames = 2048}), 2048), 0.0);
  EXPECT_EQ(loss_of(logmel_loss(x, x, {.n = 256, .frames = 2048}), 2048), 0.0);
}

// A sine an octave off is far in log-mel (much farther than one a few cents off), and as
// loud: the loudness loss hardly sees it.
TEST(PerceptualLosses, LogMelSeesPitchLoudnessSeesLevel) {
  const int64_t frames = 8192;
  const Value a = sin(kTwoPi * phasor(440.0)), octave = sin(kTwoPi * phasor(880.0)),
              near = sin(kTwoPi * phasor(441.0));
  const double far = loss_of(logmel_loss(a, octave, {.frames = frames}), frames);
  EXPECT_GT(far, 1.0);
  EXPECT_GT(far, 10 * loss_of(logmel_loss(a, near, {.frames = frames}), frames));
  EXPECT_LT(loss_of(loudness_loss(a, octave, {.frames = frames}), frames), 0.05);
}

TEST(PerceptualLosses, RejectsBadOptions) {
  const Value x = sin(kTwoPi * phasor(440.0));
  EXPECT_THROW(logmel_loss(x, x, {.n = 100}), Error);
  EXPECT_THROW(logmel_loss(x, x, {.bands = 0}), Error);
  EXPECT_THROW(logmel_loss(x, x, {.sample_rate = 0}), Error);
  EXPECT_THROW(loudness_loss(x, x, {.n = 256, .frames = 100}), Error);  // no full window
  EXPECT_THROW(loudness_loss(x, full({2}, 1.0)), Error);
}

// a·sin(2π f t) + b·noise against another sound, through each loss, at every kind of hop.
TEST(PerceptualLosses, GradientsMatchFiniteDifferences) {
  const int64_t n = 32;
  for (int64_t hop : {int64_t(1), int64_t(2), int64_t(5), n / 4, n}) {
    SCOPED_TRACE("hop " + std::to_string(hop));
    Param f("f", 2600.0f), a("a", 0.8f), b("b", 0.3f);
    const Value model = a * sin(kTwoPi * phasor(f)) + b * noise(1);
    const Value target = 0.5 * sin(kTwoPi * phasor(2000.0)) + 0.1 * noise(7);
    GradCheckOptions o;
    o.frames = n + 5 * hop + 3;
    for (const Value& loss :
         {logmel_loss(model, target, {.n = n, .hop = hop, .bands = 8, .frames = o.frames}),
          loudness_loss(model, target, {.n = n, .hop = hop, .frames = o.frames})}) {
      const GradCheckResult r = check_gradients(loss, {f, a, b}, o);
      EXPECT_TRUE(r.ok) << r.report();
      for (const auto& e : r.entries) EXPECT_NE(e.analytic, 0.0) << e.param;
    }
  }
}

}  // namespace
}  // namespace dgen

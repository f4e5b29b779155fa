// Sizes in seconds (docs/LANGUAGE.md, "Sizes in seconds"): a size written as an
// expression of samplerate is planned for the patch's maximum rate, while the run uses
// its actual rate: the same patch delays by the same time at 44.1 and 48 kHz, a loop the
// length of a time wraps at that time at every rate, and a run above the maximum is an
// error of `dgen render`.
#include "cli/cli_support.hpp"
#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

// The first frame where `out` is nonzero.
int64_t first_nonzero(const std::vector<float>& out) {
  for (size_t t = 0; t < out.size(); ++t)
    if (out[t] != 0.0f) return int64_t(t);
  return -1;
}

TEST(RateSizes, ADelayOfTenMillisecondsAtEveryRate) {
  const Patch p = test::load("(out (delay (click) (* 0.01 samplerate) (* 0.02 samplerate)) 1)");
  EXPECT_EQ(p.max_sample_rate, 96000);
  for (const double sr : {8000.0, 44100.0, 48000.0, 96000.0}) {
    SCOPED_TRACE(sr);
    for (const dgen::test::BackendParam& b : dgen::test::present_backends()) {
      const auto out = dgen::test::render(p.outputs, 1000, b.backend, 1, sr)[0];
      EXPECT_EQ(first_nonzero(out), int64_t(0.01 * sr)) << b.name;
    }
  }
}

// A buffer of 5 ms (planned: 480 rows at 96 kHz) looped over 5 ms of the run: the click
// written on frame 0 comes back every 5 ms.
TEST(RateSizes, ALoopTheLengthOfATime) {
  const Patch p = test::load(
      "(make-history loop @shape [(* 0.005 samplerate)])\n"
      "(def head (accum 1 0 0 (* 0.005 samplerate)))\n"
      "(def back (peek loop head))\n"
      "(poke loop head (+ (click) back))\n"
      "(out back 1)");
  for (const double sr : {8000.0, 48000.0}) {
    const auto out = dgen::test::render(p.outputs, 300, Backend::C, 1, sr)[0];
    const int64_t period = int64_t(0.005 * sr);
    for (int64_t t = 0; t < 300; ++t)
      EXPECT_EQ(out[size_t(t)], t > 0 && t % period == 0 ? 1.0f : 0.0f) << sr << " frame " << t;
  }
}

TEST(RateSizes, MaxSamplerateSetsThePlan) {
  Datum d =
      test::eval_binding("(max-samplerate 48000) (def r (buffer (noise) (* 0.01 samplerate)))");
  EXPECT_EQ(d.value().shape(), (Shape{480}));
  d = test::eval_binding("(def r (buffer (noise) (* 0.01 samplerate)))");
  EXPECT_EQ(d.value().shape(), (Shape{960}));  // 96 kHz unless declared
  // Rounded up: 1/3 s at 48 kHz is 16000 frames exactly, 0.1 ms is 4.8 -> 5.
  d = test::eval_binding("(max-samplerate 48000) (def r (buffer (noise) (* 0.0001 samplerate)))");
  EXPECT_EQ(d.value().shape(), (Shape{5}));
  EXPECT_EQ(test::load("(max-samplerate 192000) (out (delay (click) 4 (* samplerate 2)) 1)")
                .max_sample_rate,
            192000);
  EXPECT_EQ(test::load("(out (delay (click) 4) 1)").max_sample_rate, 0);  // no rate size
}

TEST(RateSizes, Errors) {
  auto error = [](const std::string& text) { return test::load_error(text); };
  EXPECT_NE(error("(def b (buffer (noise) (* 0.01 samplerate)))\n(max-samplerate 48000)\n(out 0 1)")
                .find("test.lisp:2:1: max-samplerate must come before the first size that uses "
                      "samplerate (at 1:24)"),
            std::string::npos);
  EXPECT_NE(error("(max-samplerate 48000) (max-samplerate 96000) (out 0 1)").find("declared twice"),
            std::string::npos);
  EXPECT_NE(error("(max-samplerate 10) (out 0 1)").find("the rate must be in [1000, 768000]"),
            std::string::npos);
  EXPECT_NE(error("(param n @default 4 @min 1 @max 8) (def b (buffer (noise) n)) (out 0 1)")
                .find("must be a number known when the patch loads, got a static value (a size may "
                      "also be"),
            std::string::npos);
  EXPECT_NE(error("(def b (buffer (noise) (* -1 samplerate))) (out 0 1)")
                .find("at the maximum sample rate 96000 Hz"),
            std::string::npos);
}

TEST(RateSizes, RenderingAboveTheMaximumIsRefused) {
  dgen::test::TempDir dir;
  dir.write(
      "p.lisp",
      "(max-samplerate 48000)\n(out (delay (in 1) (* 0.01 samplerate) (* 0.1 samplerate)) 1)");
  const auto ok =
      dgen::test::run_dgen("render p.lisp -o a.wav --frames 10 --sample-rate 48000", dir);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const auto bad =
      dgen::test::run_dgen("render p.lisp -o a.wav --frames 10 --sample-rate 96000", dir);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("the patch plans its buffers for at most 48000 Hz and this run is at "
                         "96000 Hz"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace dgen::lisp

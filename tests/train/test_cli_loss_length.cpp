// A loss must compare something: a spectral window or hop longer than the target is
// refused, naming the target's length; mrstft leaves out the sizes longer than the target
// and says so (docs/TRAINING.md "Losses").
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include <cmath>

#include "cli/cli_support.hpp"
#include "train/events.hpp"
#include "train/wav_bytes.hpp"

namespace dgen::test {
namespace {

using train::Json;

constexpr const char* kTone =
    "(param freq @default 400 @min 100 @max 1000)\n"
    "(out (sin (* twopi (phasor freq))) 1)\n";

// A directory with the patch and a `frames`-long 440 Hz target at 44.1 kHz.
void write_job(const TempDir& dir, int64_t frames) {
  std::vector<float> x;
  for (int64_t t = 0; t < frames; ++t) x.push_back(float(0.5 * std::sin(0.0627 * double(t))));
  dir.write("tone.lisp", kTone);
  dir.write("target.wav", train::wav_bytes(x, 44100, train::WavFormat::Float32));
}

TEST(CliLossLength, GradRefusesAHopLongerThanTheTarget) {
  TempDir dir;
  write_job(dir, 22050);
  const CommandResult r =
      run_dgen("grad tone.lisp --target target.wav --loss spectral:16384:100000", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "dgen grad: --loss spectral:16384:100000 compares no window: the target is 22050 "
            "frames (0.500 s) long, but a window of 16384 frames every 100000 frames first ends "
            "at frame 100000 (use a smaller N or HOP, or a longer target)\n");
}

TEST(CliLossLength, TrainRefusesAWindowLongerThanTheTarget) {
  TempDir dir;
  write_job(dir, 22050);
  const CommandResult r =
      run_dgen("train tone.lisp --target target.wav --job-dir job --loss spectral:32768", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--loss spectral:32768 compares no window: the target is 22050 frames "
                       "(0.500 s) long, but a window of 32768 frames every 8192 frames first "
                       "ends at frame 32768"),
            std::string::npos)
      << r.err;
}

// Without --loss, a target pitched below 86 Hz (at 44.1 kHz) is compared with mrstft:low,
// and the terminal says so; a 440 Hz target with plain mrstft, silently.
TEST(CliLossLength, DefaultLossIsLowForALowPitchedTarget) {
  TempDir dir;
  std::vector<float> x;
  for (int64_t t = 0; t < 44100; ++t) x.push_back(float(0.5 * std::sin(0.0071 * double(t))));
  dir.write("tone.lisp", kTone);
  dir.write("low.wav", train::wav_bytes(x, 44100, train::WavFormat::Float32));  // 49.8 Hz
  const CommandResult chosen = run_dgen("grad tone.lisp --target low.wav", dir);
  const CommandResult low = run_dgen("grad tone.lisp --target low.wav --loss mrstft:low", dir);
  const CommandResult plain = run_dgen("grad tone.lisp --target low.wav --loss mrstft", dir);
  ASSERT_EQ(chosen.exit_code, 0) << chosen.err;
  EXPECT_EQ(chosen.out, low.out);
  EXPECT_NE(chosen.out, plain.out);
  EXPECT_NE(chosen.err.find("dgen: loss: mrstft:low (the target's fundamental, 49.8 Hz, is "
                            "below 86 Hz"),
            std::string::npos)
      << chosen.err;
  write_job(dir, 44100);
  const CommandResult high = run_dgen("grad tone.lisp --target target.wav", dir);
  EXPECT_EQ(high.out, run_dgen("grad tone.lisp --target target.wav --loss mrstft", dir).out);
  EXPECT_EQ(high.err, "");
}

// The last frame of the run is a window's end: the shortest target that has one window.
TEST(CliLossLength, AWindowThatEndsOnTheLastFrameCounts) {
  TempDir dir;
  write_job(dir, 1025);
  EXPECT_EQ(run_dgen("grad tone.lisp --target target.wav --loss spectral:1024:512", dir).exit_code,
            0);
  EXPECT_EQ(
      run_dgen("grad tone.lisp --target target.wav --loss spectral:1024:512 --frames 1024", dir)
          .exit_code,
      1);
}

// 1000 frames hold windows of 512 (every 128) and smaller, not 1024 or 2048: the loss is
// that of the sizes left, with a warning naming the others.
TEST(CliLossLength, MrstftLeavesOutTheSizesLongerThanTheTarget) {
  TempDir dir;
  write_job(dir, 1000);
  const CommandResult r = run_dgen("grad tone.lisp --target target.wav", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "dgen: warning: --loss mrstft: the target is 1000 frames (0.023 s) long, too short for "
            "its sizes 2048, 1024, which are left out\n");
  EXPECT_GT(Json::parse(r.out)["loss"].get<double>(), 0.0);

  write_job(dir, 64);  // the smallest window, 64 frames every 16, first ends at frame 64
  const CommandResult none = run_dgen("grad tone.lisp --target target.wav", dir);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err,
            "dgen grad: --loss mrstft compares no window: the target is 64 frames (0.001 s) long, "
            "but its smallest, a window of 64 frames every 16 frames, first ends at frame 64\n");
}

}  // namespace
}  // namespace dgen::test
#endif

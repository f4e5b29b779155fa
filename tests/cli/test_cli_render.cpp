// dgen render (SPEC §7): audio that equals what Program renders, params from --set and
// --params, host inputs from files and constants, raw float32 to stdout.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "cli/cli_support.hpp"
#include "cli/render_reference.hpp"

namespace dgen::test {
namespace {

constexpr const char* kSine =
    "; a sine and its octave\n"
    "(param freq @default 440 @min 20 @max 20000 @unit Hz)\n"
    "(out (sin (* twopi (phasor freq))) 1 @name low)\n"
    "(out (* 0.5 (sin (* twopi (phasor (* 2 freq))))) 2 @name high)\n";

constexpr const char* kDoubler = "(out (* 2 (in 1 @name voice)) 1)\n";

double sine_at(double hz, int64_t t, double sr = 44100) {
  return std::sin(2 * std::numbers::pi * std::fmod(hz * double(t) / sr, 1.0));
}

void expect_sine(const std::vector<float>& got, double hz, double amplitude = 1,
                 double sr = 44100) {
  for (size_t t = 0; t < got.size(); ++t)
    ASSERT_NEAR(got[t], amplitude * sine_at(hz, int64_t(t), sr), 2e-4) << "frame " << t;
}

TEST(CliRender, WavEqualsProgramOutput) {
  TempDir dir;
  const std::string patch_path = dir.write("sine.lisp", kSine);
  const CommandResult r = run_dgen("render sine.lisp -o out.wav --frames 2000", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Wav wav = read_float_wav(read_file(dir / "out.wav"));
  EXPECT_EQ(wav.sample_rate, 44100);
  ASSERT_EQ(wav.channels.size(), 2u);

  EXPECT_EQ(wav.channels, render_in_process(patch_path, 2000));
  expect_sine(wav.channels[0], 440);
  expect_sine(wav.channels[1], 880, 0.5);
}

// --fast-math is the GPU's (RenderOptions::fast_math): the C backend, always compiled with
// -ffast-math, renders the same samples with it.
TEST(CliRender, FastMathLeavesTheCBackendsSamplesAsTheyAre) {
  TempDir dir;
  const std::string patch_path = dir.write("sine.lisp", kSine);
  const CommandResult r =
      run_dgen("render sine.lisp -o out.wav --frames 2000 --backend c --fast-math", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_float_wav(read_file(dir / "out.wav")).channels,
            render_in_process(patch_path, 2000));
}

TEST(CliRender, LengthAndSampleRateOptions) {
  TempDir dir;
  dir.write("sine.lisp", kSine);
  ASSERT_EQ(run_dgen("render sine.lisp -o a.wav --seconds 0.5 --sample-rate 8000", dir).exit_code,
            0);
  const Wav a = read_float_wav(read_file(dir / "a.wav"));
  EXPECT_EQ(a.sample_rate, 8000);
  ASSERT_EQ(a.channels[0].size(), 4000u);
  expect_sine(a.channels[0], 440, 1, 8000);
  // Without -o the output is named after the patch, in the current directory; the
  // default length is one second.
  ASSERT_EQ(run_dgen("render sine.lisp", dir).exit_code, 0);
  EXPECT_EQ(read_float_wav(read_file(dir / "sine.wav")).channels[0].size(), 44100u);
}

TEST(CliRender, SetAndParamsFileChangeParams) {
  TempDir dir;
  dir.write("sine.lisp", kSine);
  ASSERT_EQ(run_dgen("render sine.lisp -o set.wav --frames 1000 --set freq=1000", dir).exit_code,
            0);
  expect_sine(read_float_wav(read_file(dir / "set.wav")).channels[0], 1000);

  dir.write("p.json", R"({"params": {"freq": 300}})");
  ASSERT_EQ(run_dgen("render sine.lisp -o file.wav --frames 1000 --params p.json", dir).exit_code,
            0);
  expect_sine(read_float_wav(read_file(dir / "file.wav")).channels[0], 300);

  // --set wins over the file.
  ASSERT_EQ(
      run_dgen("render sine.lisp -o both.wav --frames 1000 --params p.json --set freq=700", dir)
          .exit_code,
      0);
  expect_sine(read_float_wav(read_file(dir / "both.wav")).channels[0], 700);
}

TEST(CliRender, InputsFromPcmFilesAndConstants) {
  TempDir dir;
  dir.write("doubler.lisp", kDoubler);
  std::vector<int32_t> pcm16, pcm24;
  for (int t = 0; t < 500; ++t) {
    pcm16.push_back(int32_t(std::lround(20000 * std::sin(0.05 * t))));
    pcm24.push_back(int32_t(std::lround(3000000 * std::sin(0.07 * t))));
  }
  dir.write("in16.wav", pcm_wav({pcm16}, 16, 44100));
  dir.write("in24.wav", pcm_wav({pcm24}, 24, 44100));
  dir.write("stereo.wav", pcm_wav({pcm16, std::vector<int32_t>(500, 16384)}, 16, 44100));

  // The length defaults to the input file's.
  ASSERT_EQ(run_dgen("render doubler.lisp -o a.wav --in 1=in16.wav", dir).exit_code, 0);
  std::vector<float> got = read_float_wav(read_file(dir / "a.wav")).channels[0];
  ASSERT_EQ(got.size(), 500u);
  for (size_t t = 0; t < got.size(); ++t) ASSERT_FLOAT_EQ(got[t], 2 * float(pcm16[t]) / 32768) << t;

  ASSERT_EQ(run_dgen("render doubler.lisp -o b.wav --in 1=in24.wav --frames 600", dir).exit_code,
            0);
  got = read_float_wav(read_file(dir / "b.wav")).channels[0];
  ASSERT_EQ(got.size(), 600u);
  for (size_t t = 0; t < 500; ++t) ASSERT_FLOAT_EQ(got[t], 2 * float(pcm24[t]) / 8388608) << t;
  for (size_t t = 500; t < 600; ++t) ASSERT_EQ(got[t], 0.0f) << "padding at " << t;

  // Stereo is mixed to mono: the mean of the channels.
  ASSERT_EQ(run_dgen("render doubler.lisp -o c.wav --in 1=stereo.wav", dir).exit_code, 0);
  got = read_float_wav(read_file(dir / "c.wav")).channels[0];
  for (size_t t = 0; t < got.size(); ++t)
    ASSERT_NEAR(got[t], float(pcm16[t]) / 32768 + 0.5f, 1e-6) << t;

  ASSERT_EQ(run_dgen("render doubler.lisp -o d.wav --in 1=-0.25 --frames 10", dir).exit_code, 0);
  EXPECT_EQ(read_float_wav(read_file(dir / "d.wav")).channels[0], std::vector<float>(10, -0.5f));
}

TEST(CliRender, InputAtAnotherSampleRateIsAnError) {
  TempDir dir;
  dir.write("doubler.lisp", kDoubler);
  dir.write("in.wav", pcm_wav({std::vector<int32_t>(100, 1000)}, 16, 48000));
  const CommandResult r =
      run_dgen("render doubler.lisp -o out.wav --in 1=in.wav --sample-rate 44100", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("48000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("44100"), std::string::npos) << r.err;
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  // Without --sample-rate the file's rate is used.
  ASSERT_EQ(run_dgen("render doubler.lisp -o out.wav --in 1=in.wav", dir).exit_code, 0);
  EXPECT_EQ(read_float_wav(read_file(dir / "out.wav")).sample_rate, 48000);
}

TEST(CliRender, RawFloat32ToStandardOutput) {
  TempDir dir;
  dir.write("sine.lisp", kSine);
  const CommandResult r = run_dgen("render sine.lisp -o - --format f32 --frames 300", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out.size(), 300u * 2 * sizeof(float));
  std::vector<float> low(300), high(300);
  for (size_t t = 0; t < 300; ++t) {
    low[t] = get_le<float>(r.out, (2 * t) * 4);
    high[t] = get_le<float>(r.out, (2 * t + 1) * 4);
  }
  expect_sine(low, 440);
  expect_sine(high, 880, 0.5);
  EXPECT_EQ(dir.list(), std::vector<std::string>{"sine.lisp"});  // nothing written besides
}

TEST(CliRender, InterpreterBackendAgrees) {
  TempDir dir;
  dir.write("sine.lisp", kSine);
  ASSERT_EQ(run_dgen("render sine.lisp -o i.wav --frames 500 --backend interp", dir).exit_code, 0);
  expect_sine(read_float_wav(read_file(dir / "i.wav")).channels[0], 440);
  const CommandResult cuda = run_dgen("render sine.lisp -o c.wav --backend cuda", dir);
  EXPECT_EQ(cuda.exit_code, 1);
  EXPECT_EQ(lines(cuda.err).size(), 1u) << cuda.err;
  EXPECT_NE(cuda.err.find("dgen render: the cuda backend "), std::string::npos) << cuda.err;
}

}  // namespace
}  // namespace dgen::test
#endif  // DGEN_HAVE_LISP

// dgen render's output contract (docs/CLI.md): non-finite samples fail the render, the
// extension names the file format, empty renders and truncated inputs are refused,
// long renders stream in blocks, and --tail extends an effect past its input.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "cli/cli_support.hpp"
#include "cli/render_reference.hpp"
#include "io/audio_file.hpp"

namespace dgen::test {
namespace {

// At 8 Hz, (phasor 0.25) steps by 1/32 (exact in float), so it is 0.5 at frames 16,
// 48, 80...: channel 2 divides by zero there and nowhere else.
constexpr const char* kInfAtFrame16 =
    "(out (sin (* twopi (phasor 1))) 1)\n"
    "(out (/ 1 (- (phasor 0.25) 0.5)) 2 @name boom)\n";

void expect_user_error(const CommandResult& r, int code,
                       std::initializer_list<const char*> needles) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(lines(r.err).size(), code == 2 ? 2u : 1u) << r.err;
  for (const char* needle : needles)
    EXPECT_NE(r.err.find(needle), std::string::npos) << "'" << needle << "' not in: " << r.err;
}

TEST(CliRenderOutput, NonFiniteSampleFailsNamingFrameAndChannel) {
  TempDir dir;
  dir.write("inf.lisp", kInfAtFrame16);
  expect_user_error(run_dgen("render inf.lisp -o out.wav --frames 100 --sample-rate 8", dir), 1,
                    {"frame 16", "channel 2", "boom", "inf", "--allow-nonfinite"});
  // NaN from the first frame, from a param and from a filter: every backend.
  dir.write("nan.lisp", "(out (/ (phasor 1) 0) 1)\n");
  dir.write("gain.lisp", "(param gain @default 1e30)\n(out (* gain gain (noise)) 1)\n");
  for (const char* backend : {"c", "interp"}) {
    SCOPED_TRACE(backend);
    const std::string with = std::string(" --backend ") + backend;
    expect_user_error(run_dgen("render nan.lisp -o out.wav --frames 10" + with, dir), 1,
                      {"frame 0", "channel 1", "nan"});
    expect_user_error(run_dgen("render gain.lisp -o out.flac --frames 10" + with, dir), 1,
                      {"channel 1"});
  }
  // A value float cannot hold would be infinite from the start: refused as it is given.
  expect_user_error(run_dgen("render gain.lisp -o out.wav --set gain=1e40", dir), 2,
                    {"gain=1e40", "float"});
  dir.write("big.json", R"({"params": {"gain": -1e39}})");
  expect_user_error(run_dgen("render gain.lisp -o out.wav --params big.json", dir), 1,
                    {"gain", "float"});
  EXPECT_EQ(dir.list(),
            (std::vector<std::string>{"big.json", "gain.lisp", "inf.lisp", "nan.lisp"}));
}

TEST(CliRenderOutput, AllowNonfiniteWritesAnyway) {
  TempDir dir;
  dir.write("inf.lisp", kInfAtFrame16);
  const CommandResult r =
      run_dgen("render inf.lisp -o out.wav --frames 100 --sample-rate 8 --allow-nonfinite", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  const Wav wav = read_float_wav(read_file(dir / "out.wav"));
  ASSERT_EQ(wav.channels.size(), 2u);
  ASSERT_EQ(wav.channels[1].size(), 100u);
  for (size_t t = 0; t < 100; ++t)
    EXPECT_EQ(std::isfinite(wav.channels[1][t]), t % 32 != 16) << "frame " << t;
  EXPECT_TRUE(std::isinf(wav.channels[1][16]));
}

TEST(CliRenderOutput, NonFiniteOnStandardOutputStopsAfterTheLastFiniteBlock) {
  TempDir dir;
  // At 2^17 Hz, (phasor 0.5) steps by 2^-18 and reaches 0.5 at frame 2^17: past the
  // first blocks, which go to stdout before the bad one is rendered.
  dir.write("late.lisp", "(out (/ 1 (- (phasor 0.5) 0.5)) 1)\n");
  const CommandResult r =
      run_dgen("render late.lisp -o - --format f32 --frames 200000 --sample-rate 131072", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("frame 131072"), std::string::npos) << r.err;
  ASSERT_EQ(r.out.size() % 4, 0u);
  const size_t written = r.out.size() / 4;
  EXPECT_LE(written, 131072u);
  EXPECT_NE(r.err.find(std::to_string(written) + " frames"), std::string::npos) << r.err;
  for (size_t t = 0; t < written; ++t) ASSERT_TRUE(std::isfinite(get_le<float>(r.out, 4 * t))) << t;
}

TEST(CliRenderOutput, EmptyRendersAreRefused) {
  TempDir dir;
  dir.write("sine.lisp", "(out (sin (* twopi (phasor 440))) 1)\n");
  dir.write("doubler.lisp", "(out (* 2 (in 1)) 1)\n");
  dir.write("empty.wav", pcm_wav({std::vector<int32_t>{}}, 16, 44100));
  expect_user_error(run_dgen("render sine.lisp -o out.wav --frames 0", dir), 2, {"--frames"});
  expect_user_error(run_dgen("render sine.lisp -o out.wav --seconds 0", dir), 2, {"--seconds"});
  expect_user_error(run_dgen("render sine.lisp -o out.wav --seconds 0.000001", dir), 1,
                    {"0 frames"});
  expect_user_error(run_dgen("render sine.lisp -o out.wav --seconds 1e300", dir), 2,
                    {"--seconds", "2^53"});
  expect_user_error(run_dgen("render doubler.lisp -o out.wav --in 1=empty.wav", dir), 1,
                    {"0 frames", "empty.wav"});
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"doubler.lisp", "empty.wav", "sine.lisp"}));
}

TEST(CliRenderOutput, ExtensionChoosesTheFormat) {
  TempDir dir;
  const std::string patch_path = dir.write(
      "two.lisp", "(out (* 0.9 (sin (* twopi (phasor 440)))) 1)\n(out (* 0.5 (noise)) 2)\n");
  ASSERT_EQ(run_dgen("render two.lisp -o out.flac --frames 3000", dir).exit_code, 0);
  EXPECT_EQ(read_file(dir / "out.flac").substr(0, 4), "fLaC");
  const io::Audio flac = io::read_audio(dir / "out.flac");
  EXPECT_EQ(flac.sample_rate, 44100);
  ASSERT_EQ(flac.channels.size(), 2u);

  const std::vector<std::vector<float>> want = render_in_process(patch_path, 3000);
  for (size_t k = 0; k < 2; ++k) {
    ASSERT_EQ(flac.channels[k].size(), 3000u);
    for (size_t t = 0; t < 3000; ++t)  // 24-bit PCM: within half a step
      ASSERT_NEAR(flac.channels[k][t], want[k][t], 0.6 / 8388608) << k << ", " << t;
  }

  for (const char* name : {"out.aiff", "out.ogg", "out.caf"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(run_dgen(std::string("render two.lisp --frames 3000 -o ") + name, dir).exit_code, 0);
    EXPECT_EQ(io::read_audio(dir / name).channels.size(), 2u);
  }
  // A name without a format libsndfile writes is refused, listing those it writes;
  // --format wav cannot put WAV under another name.
  expect_user_error(run_dgen("render two.lisp -o out.xyz --frames 10", dir), 1,
                    {"out.xyz", ".wav", ".flac", ".ogg"});
  expect_user_error(run_dgen("render two.lisp -o out.flac --format wav --frames 10", dir), 2,
                    {"out.flac"});
  // --format f32 writes raw samples whatever the name; 3e9 frames are parsed as such and
  // refused before rendering where the format cannot hold them.
  ASSERT_EQ(run_dgen("render two.lisp -o raw.data --format f32 --frames 10", dir).exit_code, 0);
  EXPECT_EQ(read_file(dir / "raw.data").size(), 10u * 2 * 4);
  expect_user_error(run_dgen("render two.lisp -o big.aiff --frames 3e9", dir), 1,
                    {"3000000000 frames", "4 GiB"});
  // Float samples take a known size, checked against the disk's free space first.
  expect_user_error(run_dgen("render two.lisp -o big.wav --frames 1e14", dir), 1,
                    {"big.wav", "100000000000000 frames", "MiB free"});
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"out.aiff", "out.caf", "out.flac", "out.ogg",
                                                  "raw.data", "two.lisp"}));
}

TEST(CliRenderOutput, WavOnStandardOutputHasItsHeaderFirst) {
  TempDir dir;
  const std::string patch_path = dir.write(
      "two.lisp", "(out (* 0.9 (sin (* twopi (phasor 440)))) 1)\n(out (* 0.5 (noise)) 2)\n");
  const CommandResult r = run_dgen("render two.lisp -o - --frames 70000", dir);  // two blocks
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // no progress line where stderr is no terminal
  const std::vector<std::vector<float>> want = render_in_process(patch_path, 70000);
  EXPECT_EQ(read_float_wav(r.out).channels, want);
  EXPECT_EQ(io::read_audio(dir.write("copy.wav", r.out)).channels, want);
}

TEST(CliRenderOutput, PipeTargetIsWrittenInPlace) {
  TempDir dir;
  const std::string patch_path = dir.write("sine.lisp", "(out (sin (* twopi (phasor 440))) 1)\n");
  ASSERT_EQ(mkfifo((dir / "pipe").c_str(), 0600), 0);
  // A reader on the pipe (given up after 20 s should dgen never open it), dgen writing.
  const CommandResult r = run_program("/bin/sh",
                                      "-c 'timeout 20 cat pipe > got.wav & \"" DGEN_BINARY_DIR
                                      "/dgen\" render sine.lisp -o pipe --frames 1000; wait'",
                                      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_fifo(dir / "pipe"));
  EXPECT_EQ(read_float_wav(read_file(dir / "got.wav")).channels,
            render_in_process(patch_path, 1000));
}

TEST(CliRenderOutput, IntegerFormatsClipAndSaySo) {
  TempDir dir;
  dir.write("loud.lisp", "(out (* 2 (sin (* twopi (phasor 441)))) 1)\n");
  const CommandResult r = run_dgen("render loud.lisp -o loud.flac --frames 1000", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // |2 sin| > 1 on two thirds of each 100-frame period: 660 of the 1000 samples.
  EXPECT_NE(r.err.find("clipped"), std::string::npos) << r.err;
  const std::vector<float> got = io::read_audio(dir / "loud.flac").channels[0];
  size_t clipped = 0;
  for (size_t t = 0; t < got.size(); ++t) {
    const double want = 2 * std::sin(2 * std::numbers::pi * 441 * double(t) / 44100);
    ASSERT_NEAR(got[t], std::clamp(want, -1.0, 1.0), 2e-4) << t;
    clipped += std::abs(want) > 1 + 1e-4;
  }
  EXPECT_EQ(clipped, 660u);
  EXPECT_NE(r.err.find(" 660 samples"), std::string::npos) << r.err;
}

TEST(CliRenderOutput, TruncatedInputIsReported) {
  TempDir dir;
  dir.write("doubler.lisp", "(param g @default 1 @min 0 @max 2)\n(out (* g (in 1)) 1)\n");
  const std::string whole = pcm_wav({std::vector<int32_t>(1000, 1000)}, 16, 44100);
  dir.write("cut.wav", whole.substr(0, 44 + 2 * 700));
  expect_user_error(run_dgen("render doubler.lisp -o out.wav --in 1=cut.wav", dir), 1,
                    {"cut.wav", "truncated", "1000 frames"});
  expect_user_error(run_dgen("grad doubler.lisp --target cut.wav --loss mse", dir), 1,
                    {"cut.wav", "truncated"});
}

TEST(CliRenderOutput, LongRenderEqualsOneRunAndStreams) {
  TempDir dir;
  const std::string patch_path =
      dir.write("state.lisp",
                "(out (biquad (* (sin (* twopi (phasor 3))) (noise)) 800 2 1 0) 1)\n"
                "(out (delay (sin (* twopi (phasor 1000))) 12345) 2)\n");
  ASSERT_EQ(run_dgen("render state.lisp -o out.wav --frames 300000", dir).exit_code, 0);
  // Blocks of the render go on from the state the last left: bit for bit one run.
  EXPECT_EQ(read_float_wav(read_file(dir / "out.wav")).channels,
            render_in_process(patch_path, 300000));
}

TEST(CliRenderOutput, TailRendersPastTheLongestInput) {
  TempDir dir;
  dir.write("echo.lisp", "(out (+ (in 1) (* 0.5 (delay (in 1) 300))) 1)\n");
  std::vector<int32_t> input(1000);
  for (size_t t = 0; t < input.size(); ++t) input[t] = int32_t(t * 16);
  dir.write("in.wav", pcm_wav({input}, 16, 1000));
  ASSERT_EQ(run_dgen("render echo.lisp -o dry.wav --in 1=in.wav", dir).exit_code, 0);
  EXPECT_EQ(read_float_wav(read_file(dir / "dry.wav")).channels[0].size(), 1000u);

  const CommandResult r = run_dgen("render echo.lisp -o wet.wav --in 1=in.wav --tail 0.5", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<float> wet = read_float_wav(read_file(dir / "wet.wav")).channels[0];
  ASSERT_EQ(wet.size(), 1500u);  // 1000 frames + 0.5 s at 1000 Hz
  auto in = [&](size_t t) { return t < input.size() ? float(input[t]) / 32768 : 0.0f; };
  for (size_t t = 0; t < wet.size(); ++t)
    ASSERT_FLOAT_EQ(wet[t], in(t) + (t >= 300 ? 0.5f * in(t - 300) : 0.0f)) << t;

  expect_user_error(run_dgen("render echo.lisp -o x.wav --in 1=in.wav --tail 1 --frames 9", dir), 2,
                    {"--tail"});
  expect_user_error(run_dgen("render echo.lisp -o x.wav --in 1=0.5 --tail 1", dir), 2, {"--tail"});
  expect_user_error(run_dgen("render echo.lisp -o x.wav --in 1=in.wav --tail -1", dir), 2,
                    {"--tail"});
}

}  // namespace
}  // namespace dgen::test
#endif  // DGEN_HAVE_LISP

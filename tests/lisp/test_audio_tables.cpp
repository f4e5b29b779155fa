// Audio files as tables (docs/LANGUAGE.md, "Audio files as tables"): @file reads WAV, FLAC
// and AIFF through libsndfile into tensors laid out for peek and sample, audio-tensor and
// ir give one row per channel, @resample converts the rate, and bad files are one clear
// error at the attribute.
#include <cmath>
#include <numbers>

#include "cli/cli_support.hpp"
#include "io/audio_file.hpp"
#include "io/resample.hpp"
#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

using dgen::test::TempDir;

// Writes `channels` (float samples) to dir/name in the format its extension names.
std::string write_audio(const TempDir& dir, const std::string& name,
                        const std::vector<std::vector<float>>& channels, int rate) {
  const std::string path = dir / name;
  const int n = int(channels.size());
  io::AudioFileWriter w(path, io::output_format_for(path, int64_t(channels[0].size()), n), n, rate);
  std::vector<float> interleaved;
  for (size_t t = 0; t < channels[0].size(); ++t)
    for (const auto& ch : channels) interleaved.push_back(ch[t]);
  w.write(interleaved);
  w.close();
  return path;
}

// The values of a static tensor the patch binds to r, and its shape.
std::pair<Shape, std::vector<float>> static_tensor(const std::string& text) {
  const Value v = test::eval_value(text);
  return {v.shape(), dgen::test::render1(v, 1)};
}

std::string quoted(const std::string& path) { return "\"" + path + "\""; }

TEST(AudioTables, WavOfSixteenBitsReadsExactly) {
  TempDir dir;
  const std::string path = dir.write("s.wav", dgen::test::pcm_wav({{0, 16384, -8192}}, 16, 8000));
  auto [shape, v] = static_tensor("(def r (tensor @file " + quoted(path) + "))");
  EXPECT_EQ(shape, (Shape{3}));
  EXPECT_EQ(v, (std::vector<float>{0, 0.5f, -0.25f}));
}

TEST(AudioTables, ChannelsAreColumnsForTablesAndRowsForAudioTensor) {
  TempDir dir;
  for (const char* name : {"st.wav", "st.flac", "st.aiff"}) {
    SCOPED_TRACE(name);
    const std::string path = write_audio(dir, name, {{0.5f, 0.25f}, {-0.5f, 0.125f}}, 44100);
    auto [table_shape, table] = static_tensor("(def r (wavetable @file " + quoted(path) + "))");
    EXPECT_EQ(table_shape, (Shape{2, 2}));  // [frames, channels]
    EXPECT_EQ(table, (std::vector<float>{0.5f, -0.5f, 0.25f, 0.125f}));
    auto [rows_shape, rows] = static_tensor("(def r (audio-tensor @file " + quoted(path) + "))");
    EXPECT_EQ(rows_shape, (Shape{2, 2}));  // [channels, frames]
    EXPECT_EQ(rows, (std::vector<float>{0.5f, 0.25f, -0.5f, 0.125f}));
    EXPECT_EQ(static_tensor("(def r (ir @file " + quoted(path) + "))").second, rows);
  }
}

TEST(AudioTables, RelativePathsStartAtThePatch) {
  TempDir dir;
  dir.write("one.wav", dgen::test::pcm_wav({{8192}}, 16, 8000));
  const std::string patch = dir.write("p.lisp", "(out (peek (tensor @file \"one.wav\") 0) 1)");
  const Patch p = load_patch_file(patch);
  EXPECT_EQ(test::render_patch(p, 1)[0][0], 0.25f);
}

// A 1 kHz sine recorded at 32 kHz and resampled to 48 kHz is the 1 kHz sine at 48 kHz,
// away from the ends (where the kernel runs off the recording).
TEST(AudioTables, ResampleKeepsASineInTune) {
  constexpr double kPi = std::numbers::pi;
  std::vector<float> x(3200);
  for (size_t t = 0; t < x.size(); ++t)
    x[t] = float(0.5 * std::sin(2 * kPi * 1000.0 * double(t) / 32000));
  const std::vector<float> y = io::resample(x, 32000, 48000);
  ASSERT_EQ(y.size(), 4800u);
  double worst = 0;
  for (size_t m = 200; m + 200 < y.size(); ++m)
    worst = std::max(worst, std::fabs(y[m] - 0.5 * std::sin(2 * kPi * 1000.0 * double(m) / 48000)));
  EXPECT_LT(worst, 1e-4);
  // Downsampling removes what the new rate cannot hold: 15 kHz at 32 kHz -> 16 kHz.
  for (size_t t = 0; t < x.size(); ++t)
    x[t] = float(std::sin(2 * kPi * 15000.0 * double(t) / 32000));
  const std::vector<float> z = io::resample(x, 32000, 16000);
  double peak = 0;
  for (size_t m = 100; m + 100 < z.size(); ++m) peak = std::max(peak, double(std::fabs(z[m])));
  EXPECT_LT(peak, 1e-3);
}

TEST(AudioTables, ResampleAttribute) {
  TempDir dir;
  std::vector<float> x(100, 0.25f);
  const std::string path = write_audio(dir, "c.wav", {x}, 22050);
  auto [shape, v] = static_tensor("(def r (tensor @file " + quoted(path) + " @resample 44100))");
  EXPECT_EQ(shape, (Shape{200}));
  EXPECT_NEAR(v[100], 0.25f, 1e-3);  // a constant stays constant inside
}

TEST(AudioTables, WavetableParamIsATrainableTable) {
  TempDir dir;
  const std::string path = write_audio(dir, "w.wav", {{0.0f, 0.5f, 0.0f, -0.5f}}, 44100);
  const Patch p = test::load("(wavetable-param wt @file " + quoted(path) +
                             " @min -1 @max 1)\n"
                             "(out (sample wt (phasor 11025) @mode wrap) 1)");
  ASSERT_EQ(p.params.size(), 1u);
  EXPECT_EQ(p.params[0].param.values(), (std::vector<float>{0.0f, 0.5f, 0.0f, -0.5f}));
  EXPECT_EQ(test::render_patch(p, 5)[0], (std::vector<float>{0, 0.5f, 0, -0.5f, 0}));
}

TEST(AudioTables, ErrorsNameTheFileAtTheAttribute) {
  TempDir dir;
  const std::string missing = dir / "missing.wav";
  std::string e = test::load_error("(def t (tensor @file " + quoted(missing) + "))\n(out 0 1)");
  EXPECT_EQ(e.rfind("test.lisp:1:", 0), 0u) << e;
  EXPECT_NE(e.find("tensor: cannot read audio file " + missing), std::string::npos) << e;
  const std::string junk = dir.write("junk.wav", "not audio");
  e = test::load_error("(def t (audio-tensor @file " + quoted(junk) + "))\n(out 0 1)");
  EXPECT_NE(e.find("audio-tensor: cannot read audio file " + junk), std::string::npos) << e;
  e = test::load_error("(def t (audio-tensor))\n(out 0 1)");
  EXPECT_NE(e.find("audio-tensor needs @file"), std::string::npos) << e;
  const std::string json = dir.write("d.json", "[1, 2]");
  e = test::load_error("(def t (tensor @file " + quoted(json) + " @resample 48000))\n(out 0 1)");
  EXPECT_NE(e.find("@resample applies to audio files"), std::string::npos) << e;
  const std::string wav = dir.write("s.wav", dgen::test::pcm_wav({{0, 1}}, 16, 8000));
  e = test::load_error("(def t (tensor @file " + quoted(wav) + " @resample 0))\n(out 0 1)");
  EXPECT_NE(e.find("@resample must be a sample rate"), std::string::npos) << e;
}

}  // namespace
}  // namespace dgen::lisp

// Audio files (SPEC §7): the output format an extension names, streaming writers whose
// files read back through libsndfile with the samples written, and truncated inputs
// reported instead of read short.
#include <gtest/gtest.h>

#include <cmath>

#include "cli/cli_support.hpp"
#include "dgen/error.hpp"
#include "io/audio_file.hpp"

namespace dgen::test {
namespace {

std::vector<float> ramp(size_t n, float scale) {
  std::vector<float> out(n);
  for (size_t t = 0; t < n; ++t) out[t] = scale * std::sin(0.01f * float(t));
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(AudioFile, ExtensionNamesTheFormat) {
  EXPECT_EQ(io::output_format_for("a.wav", 100, 2).name, "WAV, 32-bit float");
  EXPECT_EQ(io::output_format_for("dir.x/A.FLAC", 100, 2).name, "FLAC, 24-bit PCM");
  EXPECT_EQ(io::output_format_for("a.aif", 100, 2).name, "AIFF, 32-bit float");
  EXPECT_EQ(io::output_format_for("a.aiff", 100, 2).name, "AIFF, 32-bit float");
  EXPECT_EQ(io::output_format_for("a.ogg", 100, 2).name, "Ogg Vorbis");
  EXPECT_EQ(io::output_format_for("a.caf", 100, 2).name, "CAF, 32-bit float");
  EXPECT_EQ(io::output_format_for("a.mp3", 100, 2).name, "MP3");
  // A WAV holds at most 4 GiB of samples: beyond it, RF64 (EBU Tech 3306).
  EXPECT_EQ(io::output_format_for("a.wav", 1'000'000'000, 1).name, "WAV, 32-bit float");
  EXPECT_EQ(io::output_format_for("a.wav", 600'000'000, 2).name, "RF64, 32-bit float");
  // Formats with a 32-bit size field refuse what does not fit, naming ones that do.
  const std::string big = error_of([] { io::output_format_for("a.aiff", 3'000'000'000, 1); });
  EXPECT_NE(big.find("4 GiB"), std::string::npos) << big;
  EXPECT_NE(big.find(".wav"), std::string::npos) << big;

  for (const char* name : {"a.xyz", "a", "a.wav.bak"}) {
    const std::string message = error_of([&] { io::output_format_for(name, 100, 1); });
    EXPECT_NE(message.find(name), std::string::npos) << message;
    for (const char* listed : {".wav", ".flac", ".aiff", ".ogg", ".mp3"})
      EXPECT_NE(message.find(listed), std::string::npos) << listed << " in " << message;
  }
}

TEST(AudioFile, FlacAndWavReadBackThroughLibsndfile) {
  TempDir dir;
  const std::vector<float> left = ramp(70000, 0.9f), right = ramp(70000, -0.3f);
  for (const char* name : {"out.wav", "out.flac", "out.aiff", "out.caf"}) {
    SCOPED_TRACE(name);
    const std::string path = dir / name;
    {
      io::AudioFileWriter writer(path, io::output_format_for(path, 70000, 2), 2, 48000);
      std::vector<float> block;
      for (size_t start = 0; start < left.size(); start += 30000) {  // three blocks
        block.clear();
        for (size_t t = start; t < std::min(left.size(), start + 30000); ++t)
          block.insert(block.end(), {left[t], right[t]});
        writer.write(block);
      }
      writer.close();
    }
    const io::Audio back = io::read_audio(path);
    EXPECT_EQ(back.sample_rate, 48000);
    ASSERT_EQ(back.channels.size(), 2u);
    ASSERT_EQ(back.channels[0].size(), left.size());
    // FLAC holds 24-bit PCM: within half a step of 2^-23; the float containers exactly.
    const float tolerance = std::string(name) == "out.flac" ? 0.6f / 8388608 : 0;
    for (size_t t = 0; t < left.size(); ++t) {
      ASSERT_NEAR(back.channels[0][t], left[t], tolerance) << t;
      ASSERT_NEAR(back.channels[1][t], right[t], tolerance) << t;
    }
  }
  EXPECT_EQ(read_file(dir / "out.flac").substr(0, 4), "fLaC");
}

TEST(AudioFile, TruncatedWavIsReported) {
  TempDir dir;
  std::vector<int32_t> samples(1000);
  for (size_t t = 0; t < samples.size(); ++t) samples[t] = int32_t(t);
  const std::string whole = pcm_wav({samples, samples}, 16, 8000);
  dir.write("whole.wav", whole);
  EXPECT_EQ(io::read_mono(dir / "whole.wav").samples.size(), 1000u);

  // Cut in the middle of the data chunk: the header still declares 1000 frames.
  const std::string cut = dir.write("cut.wav", whole.substr(0, 44 + 4 * 600 + 2));
  const std::string message = error_of([&] { io::read_mono(cut); });
  EXPECT_NE(message.find("cut.wav"), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("1000 frames"), std::string::npos) << message;
  EXPECT_NE(message.find("600"), std::string::npos) << message;

  // Streaming writers that do not know the length mark it 0xFFFFFFFF: not truncated.
  std::string streamed = whole;
  for (size_t at : {size_t(4), size_t(40)}) streamed.replace(at, 4, "\xff\xff\xff\xff");
  EXPECT_EQ(io::read_mono(dir.write("streamed.wav", streamed)).samples.size(), 1000u);
}

TEST(AudioFile, TruncatedAiffAndFlacAreReported) {
  TempDir dir;
  const std::vector<float> mono = ramp(50000, 0.5f);
  for (const char* name : {"a.aiff", "a.flac"}) {
    SCOPED_TRACE(name);
    const std::string path = dir / name;
    io::AudioFileWriter writer(path, io::output_format_for(path, 50000, 1), 1, 8000);
    writer.write(mono);
    writer.close();
    const std::string bytes = read_file(path);
    const std::string cut =
        dir.write(std::string("cut-") + name, bytes.substr(0, bytes.size() / 2));
    const std::string message = error_of([&] { io::read_mono(cut); });
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
    EXPECT_NE(message.find("50000 frames"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace dgen::test

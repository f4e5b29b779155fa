// In-memory WAV files: the RIFF header fields and the sample encoding.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "train/wav_bytes.hpp"

namespace dgen::train {
namespace {

uint32_t u32(const std::string& b, size_t at) {
  return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8 |
         uint32_t(uint8_t(b[at + 2])) << 16 | uint32_t(uint8_t(b[at + 3])) << 24;
}
uint16_t u16(const std::string& b, size_t at) {
  return uint16_t(uint8_t(b[at]) | uint8_t(b[at + 1]) << 8);
}

TEST(WavBytes, Float32HeaderAndSamples) {
  const std::vector<float> x{0.5f, -0.25f, 1.5f};
  const std::string b = wav_bytes(x, 48000, WavFormat::Float32);
  ASSERT_EQ(b.size(), 44u + 12u);
  EXPECT_EQ(b.substr(0, 4), "RIFF");
  EXPECT_EQ(u32(b, 4), 36u + 12u);
  EXPECT_EQ(b.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(u16(b, 20), 3);  // IEEE float
  EXPECT_EQ(u16(b, 22), 1);  // mono
  EXPECT_EQ(u32(b, 24), 48000u);
  EXPECT_EQ(u32(b, 28), 48000u * 4);
  EXPECT_EQ(u16(b, 32), 4);
  EXPECT_EQ(u16(b, 34), 32);
  EXPECT_EQ(b.substr(36, 4), "data");
  EXPECT_EQ(u32(b, 40), 12u);
  float back[3];
  std::memcpy(back, b.data() + 44, 12);
  EXPECT_EQ(back[0], 0.5f);
  EXPECT_EQ(back[1], -0.25f);
  EXPECT_EQ(back[2], 1.5f);  // float WAVs keep values beyond full scale
}

TEST(WavBytes, Pcm16RoundsAndClips) {
  const std::vector<float> x{0.5f, -1.0f, 2.0f, -3.0f};
  const std::string b = wav_bytes(x, 44100, WavFormat::Pcm16);
  ASSERT_EQ(b.size(), 44u + 8u);
  EXPECT_EQ(u16(b, 20), 1);  // PCM
  EXPECT_EQ(u16(b, 34), 16);
  EXPECT_EQ(int16_t(u16(b, 44)), 16384);  // round(0.5 · 32767)
  EXPECT_EQ(int16_t(u16(b, 46)), -32767);
  EXPECT_EQ(int16_t(u16(b, 48)), 32767);
  EXPECT_EQ(int16_t(u16(b, 50)), -32767);
}

}  // namespace
}  // namespace dgen::train

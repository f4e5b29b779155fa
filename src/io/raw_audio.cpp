#include "io/raw_audio.hpp"

#include <bit>
#include <cerrno>
#include <cstring>

#include "dgen/error.hpp"

namespace dgen::io {

static_assert(std::endian::native == std::endian::little,
              "raw f32 output and the WAV header assume a little-endian host");

std::string wav_float_header(int channels, int sample_rate, int64_t frames) {
  const uint64_t data = uint64_t(frames) * uint64_t(channels) * sizeof(float);
  constexpr uint64_t kHeader = 4 + (8 + 16) + (8 + 4) + 8;  // WAVE, fmt, fact, data header
  if (data + kHeader > 0xFFFFFFFFull)
    throw Error("a WAV holds at most 4 GiB of samples; " + std::to_string(frames) + " frames of " +
                std::to_string(channels) + " channel(s) take " + std::to_string(data >> 20) +
                " MiB (write a file, where dgen uses RF64, or --format f32)");
  std::string out;
  auto u32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); };
  out += "RIFF";
  u32(uint32_t(kHeader + data));
  out += "WAVEfmt ";
  u32(16);
  u16(3);  // WAVE_FORMAT_IEEE_FLOAT
  u16(uint16_t(channels));
  u32(uint32_t(sample_rate));
  u32(uint32_t(sample_rate * channels * 4));
  u16(uint16_t(channels * 4));
  u16(32);
  out += "fact";  // required for non-PCM formats: the frame count
  u32(4);
  u32(uint32_t(frames));
  out += "data";
  u32(uint32_t(data));
  return out;
}

void RawAudioWriter::write_bytes(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), out_) != bytes.size())
    throw Error("cannot write " + name_ + ": " + std::strerror(errno));
}

void RawAudioWriter::write(std::span<const float> interleaved) {
  write_bytes({reinterpret_cast<const char*>(interleaved.data()), interleaved.size_bytes()});
}

void RawAudioWriter::flush() {
  if (std::fflush(out_) != 0) throw Error("cannot write " + name_ + ": " + std::strerror(errno));
}

}  // namespace dgen::io

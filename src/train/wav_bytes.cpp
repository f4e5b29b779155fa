#include "train/wav_bytes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace dgen::train {

namespace {

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
void put_u16(std::string& out, uint16_t v) {
  out.push_back(char(v & 0xff));
  out.push_back(char(v >> 8));
}

}  // namespace

std::string wav_bytes(std::span<const float> samples, double sample_rate, WavFormat format) {
  const bool is_float = format == WavFormat::Float32;
  const uint16_t bytes_per_sample = is_float ? 4 : 2;
  const uint32_t data_size = uint32_t(samples.size() * bytes_per_sample);
  const uint32_t rate = uint32_t(std::lround(sample_rate));
  std::string out;
  out.reserve(44 + data_size);
  out += "RIFF";
  put_u32(out, 36 + data_size);
  out += "WAVEfmt ";
  put_u32(out, 16);
  put_u16(out, is_float ? 3 : 1);  // WAVE_FORMAT_IEEE_FLOAT or WAVE_FORMAT_PCM
  put_u16(out, 1);                 // mono
  put_u32(out, rate);
  put_u32(out, rate * bytes_per_sample);
  put_u16(out, bytes_per_sample);
  put_u16(out, uint16_t(8 * bytes_per_sample));
  out += "data";
  put_u32(out, data_size);
  for (float s : samples) {
    if (is_float) {
      uint32_t bits;
      std::memcpy(&bits, &s, 4);
      put_u32(out, bits);
    } else {
      const float clipped = std::isfinite(s) ? std::clamp(s, -1.0f, 1.0f) : 0.0f;
      put_u16(out, uint16_t(int16_t(std::lround(clipped * 32767.0f))));
    }
  }
  return out;
}

}  // namespace dgen::train

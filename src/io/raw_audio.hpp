// Rendered samples as a byte stream (SPEC §7, docs/CLI.md): raw little-endian float32,
// interleaved frame by frame, or a 32-bit float WAV whose header is written first. For
// standard output, which cannot seek back to complete a header the way libsndfile
// does, and for raw files.
#pragma once
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace dgen::io {

// The header of a 32-bit float WAV of `frames` frames: the samples follow it as they
// are, interleaved. Throws dgen::Error when they would not fit in WAV's 4 GiB.
std::string wav_float_header(int channels, int sample_rate, int64_t frames);

// Writes raw little-endian float32 to `out`; messages name it `name`.
class RawAudioWriter {
 public:
  RawAudioWriter(std::FILE* out, std::string name) : out_(out), name_(std::move(name)) {}
  void write_bytes(std::string_view bytes);
  void write(std::span<const float> interleaved);
  void flush();

 private:
  std::FILE* out_;
  std::string name_;
};

}  // namespace dgen::io

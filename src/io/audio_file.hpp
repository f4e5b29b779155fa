// Audio files for the command line and training (SPEC §7): reading any format
// libsndfile knows (WAV, AIFF, FLAC, ...; PCM 16/24/32 or float) mixed to mono, and
// encoding rendered channels as 32-bit float WAV or raw float32.
//
// Encoders return the file's bytes, so the caller decides where they go (a file
// written atomically, or stdout).
#pragma once
#include <span>
#include <string>
#include <vector>

namespace dgen::io {

struct MonoAudio {
  std::vector<float> samples;
  int sample_rate = 0;
};

// Reads `path`, averaging its channels into one. Throws dgen::Error naming the file
// when it cannot be read.
MonoAudio read_mono(const std::string& path);

// A 32-bit float WAV file holding `channels` (all the same length) at `sample_rate`.
std::string encode_wav_float(const std::vector<std::span<const float>>& channels, int sample_rate);

// Raw little-endian float32 samples, interleaved frame by frame.
std::string encode_f32_interleaved(const std::vector<std::span<const float>>& channels);

}  // namespace dgen::io

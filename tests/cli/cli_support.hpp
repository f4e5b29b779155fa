// Runs the built `dgen` program and reads what it writes. The WAV reader and the PCM
// writer here are written from the RIFF format, independently of libsndfile.
#pragma once
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/temp_dir.hpp"

namespace dgen::test {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `program args` in `dir` (args are passed to the shell as they are).
inline CommandResult run_program(const std::string& program, const std::string& args,
                                 const TempDir& dir) {
  const std::string out = dir / ".stdout", err = dir / ".stderr";
  const std::string cmd = "cd '" + dir.path.string() + "' && '" + program + "' " + args + " > '" +
                          out + "' 2> '" + err + "'";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

inline CommandResult run_dgen(const std::string& args, const TempDir& dir) {
  const std::string program = DGEN_BINARY_DIR "/dgen";
  if (!std::filesystem::exists(program))
    throw std::runtime_error(program + " is missing: build the dgen_cli target");
  return run_program(program, args, dir);
}

// Lines of `text` without the final newline.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Wav {
  int sample_rate = 0;
  std::vector<std::vector<float>> channels;
};

template <typename T>
T get_le(const std::string& bytes, size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

// Reads a 32-bit float WAV (format 3, or extensible with a float sub-format).
inline Wav read_float_wav(const std::string& bytes) {
  if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0)
    throw std::runtime_error("not a WAV file");
  Wav wav;
  int channels = 0;
  for (size_t at = 12; at + 8 <= bytes.size();) {
    const std::string id = bytes.substr(at, 4);
    const uint32_t size = get_le<uint32_t>(bytes, at + 4);
    const size_t body = at + 8;
    if (id == "fmt ") {
      const uint16_t format = get_le<uint16_t>(bytes, body);
      channels = get_le<uint16_t>(bytes, body + 2);
      wav.sample_rate = int(get_le<uint32_t>(bytes, body + 4));
      const uint16_t bits = get_le<uint16_t>(bytes, body + 14);
      const uint16_t sub = format == 0xFFFE ? get_le<uint16_t>(bytes, body + 24) : format;
      if (sub != 3 || bits != 32) throw std::runtime_error("not a 32-bit float WAV");
    } else if (id == "data") {
      if (channels == 0) throw std::runtime_error("data before fmt");
      const size_t frames = size / 4 / size_t(channels);
      wav.channels.assign(size_t(channels), std::vector<float>(frames));
      for (size_t t = 0; t < frames; ++t)
        for (int c = 0; c < channels; ++c)
          wav.channels[size_t(c)][t] =
              get_le<float>(bytes, body + (t * size_t(channels) + size_t(c)) * 4);
      return wav;
    }
    at = body + size + (size & 1);
  }
  throw std::runtime_error("WAV without data");
}

// A PCM WAV of `bits` (16 or 24) bits per sample; `channels` frames interleaved.
inline std::string pcm_wav(const std::vector<std::vector<int32_t>>& channels, int bits,
                           int sample_rate) {
  const uint32_t n = uint32_t(channels.size()), frames = uint32_t(channels[0].size()),
                 width = uint32_t(bits / 8);
  std::string out = "RIFF";
  auto u32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); };
  u32(36 + frames * n * width);
  out += "WAVEfmt ";
  u32(16);
  u16(1);
  u16(uint16_t(n));
  u32(uint32_t(sample_rate));
  u32(uint32_t(sample_rate) * n * width);
  u16(uint16_t(n * width));
  u16(uint16_t(bits));
  out += "data";
  u32(frames * n * width);
  for (uint32_t t = 0; t < frames; ++t)
    for (uint32_t c = 0; c < n; ++c)
      out.append(reinterpret_cast<const char*>(&channels[c][t]), width);
  return out;
}

}  // namespace dgen::test

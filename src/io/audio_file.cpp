#include "io/audio_file.hpp"

#include <sndfile.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "dgen/error.hpp"

namespace dgen::io {
namespace {

struct CloseSndfile {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, CloseSndfile>;

// libsndfile virtual I/O over a growing in-memory file.
struct MemoryFile {
  std::string bytes;
  sf_count_t pos = 0;

  static MemoryFile& of(void* user) { return *static_cast<MemoryFile*>(user); }
  static SF_VIRTUAL_IO io() {
    SF_VIRTUAL_IO v{};
    v.get_filelen = [](void* u) { return sf_count_t(of(u).bytes.size()); };
    v.seek = [](sf_count_t offset, int whence, void* u) {
      MemoryFile& f = of(u);
      const sf_count_t base = whence == SEEK_SET   ? 0
                              : whence == SEEK_CUR ? f.pos
                                                   : sf_count_t(f.bytes.size());
      f.pos = std::max<sf_count_t>(0, base + offset);
      return f.pos;
    };
    v.read = [](void* dst, sf_count_t count, void* u) {
      MemoryFile& f = of(u);
      const sf_count_t n = std::clamp<sf_count_t>(sf_count_t(f.bytes.size()) - f.pos, 0, count);
      std::memcpy(dst, f.bytes.data() + f.pos, size_t(n));
      f.pos += n;
      return n;
    };
    v.write = [](const void* src, sf_count_t count, void* u) {
      MemoryFile& f = of(u);
      if (f.bytes.size() < size_t(f.pos + count)) f.bytes.resize(size_t(f.pos + count));
      std::memcpy(f.bytes.data() + f.pos, src, size_t(count));
      f.pos += count;
      return count;
    };
    v.tell = [](void* u) { return of(u).pos; };
    return v;
  }
};

// libsndfile's message without its trailing period.
std::string sndfile_error(SNDFILE* file) {
  std::string message = sf_strerror(file);
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
  return message;
}

size_t common_length(const std::vector<std::span<const float>>& channels) {
  const size_t frames = channels.empty() ? 0 : channels[0].size();
  for (const auto& c : channels)
    if (c.size() != frames) throw Error("audio channels of different lengths");
  return frames;
}

std::vector<float> interleave(const std::vector<std::span<const float>>& channels) {
  const size_t frames = common_length(channels), n = channels.size();
  std::vector<float> out(frames * n);
  for (size_t c = 0; c < n; ++c)
    for (size_t t = 0; t < frames; ++t) out[t * n + c] = channels[c][t];
  return out;
}

}  // namespace

MonoAudio read_mono(const std::string& path) {
  if (FILE* f = std::fopen(path.c_str(), "rb"))
    std::fclose(f);
  else
    throw Error("cannot read audio file " + path + ": " + std::strerror(errno));
  SF_INFO info{};
  SndfileHandle file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) throw Error("cannot read audio file " + path + ": " + sndfile_error(nullptr));
  if (info.channels < 1) throw Error("audio file " + path + " has no channels");
  std::vector<float> frames(size_t(info.frames) * size_t(info.channels));
  const sf_count_t got = sf_readf_float(file.get(), frames.data(), info.frames);
  if (got != info.frames)
    throw Error("audio file " + path + " is truncated: read " + std::to_string(got) + " of " +
                std::to_string(info.frames) + " frames");
  MonoAudio audio;
  audio.sample_rate = info.samplerate;
  audio.samples.resize(size_t(info.frames));
  const size_t n = size_t(info.channels);
  for (size_t t = 0; t < audio.samples.size(); ++t) {
    double sum = 0;
    for (size_t c = 0; c < n; ++c) sum += frames[t * n + c];
    audio.samples[t] = float(sum / double(n));
  }
  return audio;
}

std::string encode_wav_float(const std::vector<std::span<const float>>& channels, int sample_rate) {
  if (channels.empty()) throw Error("nothing to write: no audio channels");
  const std::vector<float> frames = interleave(channels);
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = int(channels.size());
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  MemoryFile memory;
  SF_VIRTUAL_IO io = MemoryFile::io();
  {
    SndfileHandle file(sf_open_virtual(&io, SFM_WRITE, &info, &memory));
    if (!file) throw Error("cannot encode WAV: " + sndfile_error(nullptr));
    const sf_count_t n = sf_count_t(frames.size() / channels.size());
    if (sf_writef_float(file.get(), frames.data(), n) != n)
      throw Error("cannot encode WAV: " + sndfile_error(file.get()));
  }  // closing writes the final header sizes
  return std::move(memory.bytes);
}

std::string encode_f32_interleaved(const std::vector<std::span<const float>>& channels) {
  static_assert(std::endian::native == std::endian::little,
                "raw f32 output assumes a little-endian host");
  const std::vector<float> frames = interleave(channels);
  return std::string(reinterpret_cast<const char*>(frames.data()), frames.size() * sizeof(float));
}

}  // namespace dgen::io

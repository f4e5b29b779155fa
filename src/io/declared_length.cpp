#include "io/declared_length.hpp"

#include <fstream>

namespace dgen::io {
namespace {

constexpr uint32_t kUnknownSize = 0xFFFFFFFF;

class Reader {
 public:
  explicit Reader(const std::string& path) : in_(path, std::ios::binary) {}
  bool ok() const { return bool(in_); }
  std::string id() { return bytes(4); }
  uint16_t u16(bool big_endian) { return uint16_t(uint_n(2, big_endian)); }
  uint32_t u32(bool big_endian) { return uint32_t(uint_n(4, big_endian)); }
  uint64_t u64() { return uint_n(8, false); }
  void skip(uint64_t n) { in_.seekg(std::streamoff(n), std::ios::cur); }
  int64_t tell() { return int64_t(in_.tellg()); }
  void seek(int64_t at) { in_.seekg(at); }

 private:
  std::string bytes(size_t n) {
    std::string s(n, '\0');
    in_.read(s.data(), std::streamsize(n));
    return s;
  }
  uint64_t uint_n(size_t n, bool big_endian) {
    const std::string b = bytes(n);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t(uint8_t(b[big_endian ? n - 1 - i : i])) << (8 * i);
    return v;
  }
  std::ifstream in_;
};

// Calls visit(id, size) with the reader at each chunk's body, chunk after chunk (sizes
// in `big_endian` order, bodies padded to even lengths), until visit returns false or
// the file ends.
template <typename Visit>
void for_each_chunk(Reader& in, bool big_endian, Visit visit) {
  while (true) {
    const std::string id = in.id();
    const uint32_t size = in.u32(big_endian);
    if (!in.ok()) return;
    const int64_t body = in.tell();
    if (!visit(id, size)) return;
    in.seek(body + int64_t(size) + (size & 1));
  }
}

// WAV and RF64 (EBU Tech 3306): little-endian chunks after "RIFF"/"RF64" size "WAVE";
// RF64 keeps the data size in its ds64 chunk. Frames = data bytes / block align, for
// PCM (1), IEEE float (3), A-law (6), mu-law (7) and extensible (0xFFFE) encodings.
std::optional<int64_t> wav_frames(Reader& in, bool rf64) {
  uint64_t ds64_data_size = 0;
  uint16_t block_align = 0, format = 0;
  std::optional<int64_t> frames;
  for_each_chunk(in, false, [&](const std::string& id, uint32_t size) {
    if (id == "ds64") {
      in.u64();  // RIFF size
      ds64_data_size = in.u64();
    } else if (id == "fmt ") {
      format = in.u16(false);
      in.skip(10);  // channels, rate, bytes per second
      block_align = in.u16(false);
    } else if (id == "data") {
      const bool linear =
          format == 1 || format == 3 || format == 6 || format == 7 || format == 0xFFFE;
      if (in.ok() && linear && block_align > 0 && (size != kUnknownSize || rf64))
        frames = int64_t((size == kUnknownSize ? ds64_data_size : size) / block_align);
      return false;
    }
    return true;
  });
  return frames;
}

// AIFF and AIFC: big-endian chunks after "FORM" size "AIFF"/"AIFC"; the COMM chunk
// declares the frame count (the SSND chunk holds the samples).
std::optional<int64_t> aiff_frames(Reader& in) {
  std::optional<int64_t> frames;
  for_each_chunk(in, true, [&](const std::string& id, uint32_t) {
    if (id != "COMM") return true;
    in.u16(true);  // channels
    const uint32_t count = in.u32(true);
    if (in.ok()) frames = int64_t(count);
    return false;
  });
  return frames;
}

}  // namespace

std::optional<int64_t> declared_frames(const std::string& path) {
  Reader in(path);
  const std::string riff = in.id();
  const uint32_t size = in.u32(riff == "FORM");
  const std::string kind = in.id();
  if (!in.ok()) return std::nullopt;
  if ((riff == "RIFF" || riff == "RF64") && kind == "WAVE")
    return wav_frames(in, riff == "RF64" && size == kUnknownSize);
  if (riff == "FORM" && (kind == "AIFF" || kind == "AIFC")) return aiff_frames(in);
  return std::nullopt;
}

}  // namespace dgen::io

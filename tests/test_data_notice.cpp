// data/NOTICE.md lists exactly the recordings in data/, each with the format its file
// has: sample rate, bits, channels and length, read from the WAV header (RIFF, written
// here without libsndfile).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace dgen {
namespace {

const std::filesystem::path kData = std::filesystem::path(DGEN_SOURCE_DIR) / "data";

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <typename T>
T le(const std::string& bytes, size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

// "44.1 kHz, 16-bit, stereo, 0.49 s": the NOTICE's format column for a WAV file.
std::string wav_format(const std::string& bytes) {
  if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0)
    return "not a WAV file";
  uint32_t rate = 0, channels = 0, bits = 0;
  for (size_t at = 12; at + 8 <= bytes.size();) {
    const std::string id = bytes.substr(at, 4);
    const uint32_t size = le<uint32_t>(bytes, at + 4);
    if (id == "fmt ") {
      channels = le<uint16_t>(bytes, at + 10);
      rate = le<uint32_t>(bytes, at + 12);
      bits = le<uint16_t>(bytes, at + 22);
    } else if (id == "data" && rate && channels && bits) {
      const double seconds = double(size) / (channels * bits / 8) / rate;
      char text[100];
      std::snprintf(text, sizeof text, "%g kHz, %u-bit, %s, %.2f s", rate / 1000.0, bits,
                    channels == 1 ? "mono" : channels == 2 ? "stereo" : "multichannel", seconds);
      return text;
    }
    at += 8 + size + (size & 1);
  }
  return "a WAV file without fmt and data";
}

// The NOTICE's table: file -> format column.
std::map<std::string, std::string> notice_table() {
  std::map<std::string, std::string> rows;
  std::istringstream in(read_bytes(kData / "NOTICE.md"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| ", 0) != 0 || line.find(".wav") == std::string::npos) continue;
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');)
      cells.push_back(cell.substr(1, cell.size() - 2));  // " text " -> "text"
    if (cells.size() >= 3) rows[cells[0]] = cells[2];
  }
  return rows;
}

TEST(DataNotice, ListsEveryRecordingWithItsRealFormat) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(kData))
    if (e.path().extension() == ".wav")
      files[e.path().filename().string()] = wav_format(read_bytes(e.path()));
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(notice_table(), files);
}

}  // namespace
}  // namespace dgen

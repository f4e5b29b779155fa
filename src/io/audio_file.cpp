#include "io/audio_file.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "dgen/error.hpp"
#include "io/declared_length.hpp"

namespace dgen::io {
namespace {

struct CloseSndfile {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, CloseSndfile>;

// libsndfile's message without its trailing period.
std::string sndfile_error(SNDFILE* file) {
  std::string message = sf_strerror(file);
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
  return message;
}

// WAV, AIFF and AU keep sizes in 32 bits: at most 4 GiB of samples, less room for the
// header (a few hundred bytes; 64 KiB leaves a margin).
constexpr uint64_t kMax32BitData = 0xFFFFFFFFull - 65536;

struct FormatEntry {
  const char* extensions;  // space-separated, lower case, with the dot
  int sndfile_format;
  const char* name;
  bool size_32_bit;
};

const FormatEntry kFormats[] = {
    {".wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, "WAV, 32-bit float", true},
    {".flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, "FLAC, 24-bit PCM", false},
    {".aiff .aif", SF_FORMAT_AIFF | SF_FORMAT_FLOAT, "AIFF, 32-bit float", true},
    {".caf", SF_FORMAT_CAF | SF_FORMAT_FLOAT, "CAF, 32-bit float", false},
    {".rf64", SF_FORMAT_RF64 | SF_FORMAT_FLOAT, "RF64, 32-bit float", false},
    {".w64", SF_FORMAT_W64 | SF_FORMAT_FLOAT, "Wave64, 32-bit float", false},
    {".au .snd", SF_FORMAT_AU | SF_FORMAT_FLOAT, "AU, 32-bit float", true},
    {".ogg .oga", SF_FORMAT_OGG | SF_FORMAT_VORBIS, "Ogg Vorbis", false},
    {".opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, "Ogg Opus", false},
    {".mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, "MP3", false},
};
const FormatEntry kRf64 = kFormats[4];

// Whether this libsndfile writes `format` (MP3 and Opus depend on how it was built).
bool writable(int format) {
  SF_INFO info{};
  info.samplerate = 48000;
  info.channels = 1;
  info.format = format;
  return sf_format_check(&info) != 0;
}

bool has_extension(const FormatEntry& f, const std::string& extension) {
  const std::string list = std::string(" ") + f.extensions + " ";
  return !extension.empty() && list.find(" " + extension + " ") != std::string::npos;
}

OutputFormat output_format(const FormatEntry& f) {
  const int subtype = f.sndfile_format & SF_FORMAT_SUBMASK;
  return {f.sndfile_format, f.name, subtype != SF_FORMAT_FLOAT};
}

std::string supported_list() {
  std::string out;
  for (const FormatEntry& f : kFormats)
    if (writable(f.sndfile_format))
      out += (out.empty() ? "" : ", ") + std::string(f.extensions) + " (" + f.name + ")";
  return out;
}

// libsndfile reads a WAV or AIFF whose samples were cut off as a shorter file; its
// header still tells how long it was.
void check_complete(const std::string& path, int64_t readable) {
  const auto declared = declared_frames(path);
  if (declared && *declared > readable)
    throw Error("audio file " + path + " is truncated: its header declares " +
                std::to_string(*declared) + " frames but only " + std::to_string(readable) +
                " are there");
}

}  // namespace

Audio read_audio(const std::string& path) {
  if (FILE* f = std::fopen(path.c_str(), "rb"))
    std::fclose(f);
  else
    throw Error("cannot read audio file " + path + ": " + std::strerror(errno));
  SF_INFO info{};
  SndfileHandle file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) throw Error("cannot read audio file " + path + ": " + sndfile_error(nullptr));
  if (info.channels < 1) throw Error("audio file " + path + " has no channels");
  check_complete(path, info.frames);
  const size_t n = size_t(info.channels);
  std::vector<float> frames(size_t(info.frames) * n);
  const sf_count_t got = sf_readf_float(file.get(), frames.data(), info.frames);
  if (got != info.frames)
    throw Error("audio file " + path + " is truncated: its header declares " +
                std::to_string(info.frames) + " frames but only " + std::to_string(got) +
                " could be read (" + sndfile_error(file.get()) + ")");
  Audio audio;
  audio.sample_rate = info.samplerate;
  audio.channels.assign(n, std::vector<float>(size_t(info.frames)));
  for (size_t t = 0; t < size_t(info.frames); ++t)
    for (size_t c = 0; c < n; ++c) audio.channels[c][t] = frames[t * n + c];
  return audio;
}

MonoAudio read_mono(const std::string& path) {
  const Audio audio = read_audio(path);
  MonoAudio mono;
  mono.sample_rate = audio.sample_rate;
  mono.samples.resize(audio.channels[0].size());
  const double n = double(audio.channels.size());
  for (size_t t = 0; t < mono.samples.size(); ++t) {
    double sum = 0;
    for (const std::vector<float>& c : audio.channels) sum += c[t];
    mono.samples[t] = float(sum / n);
  }
  return mono;
}

OutputFormat output_format_for(const std::string& path, int64_t frames, int channels) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  for (const FormatEntry& f : kFormats) {
    if (!has_extension(f, extension) || !writable(f.sndfile_format)) continue;
    const uint64_t bytes = uint64_t(frames) * uint64_t(channels) * sizeof(float);
    if (!f.size_32_bit || bytes <= kMax32BitData) return output_format(f);
    // A WAV too large for its 32-bit sizes: RF64, the WAV successor (EBU Tech 3306).
    if (std::string(f.extensions) == ".wav") return output_format(kRf64);
    throw Error("cannot write " + path + ": " + std::to_string(frames) + " frames of " +
                std::to_string(channels) + " channel(s) take " + std::to_string(bytes >> 20) +
                " MiB, and " + f.name +
                " holds at most 4 GiB; use .wav (RF64 when larger), "
                ".w64 or .caf");
  }
  throw Error("cannot write " + path + ": the file name's extension names no format dgen writes; " +
              "use " + supported_list() + ", or --format f32 for raw float32");
}

struct AudioFileWriter::Impl {
  SndfileHandle file;
  int channels = 0;
  std::string name;
};

AudioFileWriter::AudioFileWriter(const std::string& path, const OutputFormat& format, int channels,
                                 int sample_rate, std::string shown_as)
    : impl_(std::make_unique<Impl>()) {
  impl_->channels = channels;
  impl_->name = shown_as.empty() ? path : std::move(shown_as);
  if (channels < 1) throw Error("nothing to write to " + impl_->name + ": no audio channels");
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = format.sndfile_format;
  impl_->file.reset(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!impl_->file)
    throw Error("cannot write " + impl_->name + " as " + format.name + " at " +
                std::to_string(sample_rate) + " Hz with " + std::to_string(channels) +
                " channel(s): " + sndfile_error(nullptr));
  // Integer formats saturate at full scale instead of wrapping around.
  if (format.clips) sf_command(impl_->file.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
}

AudioFileWriter::~AudioFileWriter() = default;

void AudioFileWriter::write(std::span<const float> interleaved) {
  const sf_count_t frames = sf_count_t(interleaved.size() / size_t(impl_->channels));
  if (sf_writef_float(impl_->file.get(), interleaved.data(), frames) != frames)
    throw Error("cannot write " + impl_->name + ": " + sndfile_error(impl_->file.get()) +
                " (disk full?)");
}

void AudioFileWriter::close() {
  SNDFILE* file = impl_->file.release();
  if (sf_close(file) != 0)
    throw Error("cannot complete " + impl_->name + ": " + sndfile_error(nullptr));
}

}  // namespace dgen::io

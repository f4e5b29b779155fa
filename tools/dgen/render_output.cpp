#include "render_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "atomic_file.hpp"
#include "command.hpp"
#include "dgen/error.hpp"
#include "io/audio_file.hpp"
#include "io/raw_audio.hpp"

namespace dgen::cli {
namespace {

class SoundFileOutput : public RenderOutput {
 public:
  SoundFileOutput(const OutputRequest& r, const io::OutputFormat& f)
      : file_(r.path), writer_(file_.temp_path(), f, r.channels, r.sample_rate, r.path) {}
  void write(std::span<const float> interleaved) override { writer_.write(interleaved); }
  void finish() override {
    writer_.close();
    file_.commit();
  }

 private:
  AtomicFile file_;
  io::AudioFileWriter writer_;
};

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class RawFileOutput : public RenderOutput {
 public:
  explicit RawFileOutput(const OutputRequest& r)
      : file_(r.path),
        out_(std::fopen(file_.temp_path().c_str(), "wb")),
        writer_(out_.get(), r.path) {
    if (!out_) throw Error("cannot write " + r.path);
  }
  void write(std::span<const float> interleaved) override { writer_.write(interleaved); }
  void finish() override {
    writer_.flush();
    if (std::fclose(out_.release()) != 0) throw Error("cannot write " + file_.target());
    file_.commit();
  }

 private:
  AtomicFile file_;
  std::unique_ptr<std::FILE, CloseFile> out_;
  io::RawAudioWriter writer_;
};

// Standard output, a pipe or a device: no seeking back to complete a header, so a
// WAV's header is written first, from the length known in advance.
class StreamOutput : public RenderOutput {
 public:
  explicit StreamOutput(const OutputRequest& r)
      : owned_(r.path == "-" ? nullptr : std::fopen(r.path.c_str(), "wb")),
        writer_(r.path == "-" ? stdout : owned_.get(), r.path == "-" ? "standard output" : r.path) {
    if (r.path != "-" && !owned_)
      throw Error("cannot write " + r.path + ": " + std::strerror(errno));
    if (r.format != "f32")
      writer_.write_bytes(io::wav_float_header(r.channels, r.sample_rate, r.frames));
  }
  void write(std::span<const float> interleaved) override {
    writer_.write(interleaved);
    writer_.flush();  // a reader downstream gets each block as it is rendered
  }
  void finish() override { writer_.flush(); }

 private:
  std::unique_ptr<std::FILE, CloseFile> owned_;  // a named pipe or device; null for stdout
  io::RawAudioWriter writer_;
};

// An existing target that is no regular file (a FIFO, /dev/null, a terminal) is written
// in place: renaming a file over it would replace it.
bool is_stream(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  return !ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status) &&
         !std::filesystem::is_directory(status);
}

// Float samples take a known size: refuse before rendering what the disk cannot hold,
// rather than fill it and fail at the end (integer and lossy formats compress).
void check_free_space(const OutputRequest& r) {
  const std::filesystem::path path(r.path);
  std::error_code ec;
  const auto space = std::filesystem::space(path.has_parent_path() ? path.parent_path() : ".", ec);
  const double bytes = double(r.frames) * r.channels * sizeof(float);
  if (!ec && bytes > double(space.available))
    throw Error("cannot write " + r.path + ": " + std::to_string(r.frames) + " frames of " +
                std::to_string(r.channels) + " channel(s) take " +
                std::to_string(int64_t(bytes / (1 << 20))) + " MiB, and its disk has " +
                std::to_string(space.available >> 20) + " MiB free");
}

}  // namespace

std::unique_ptr<RenderOutput> open_render_output(const OutputRequest& r) {
  std::unique_ptr<RenderOutput> out;
  if (r.path == "-" || is_stream(r.path)) {
    out = std::make_unique<StreamOutput>(r);
    out->name = r.path == "-" ? "standard output" : r.path;
    out->format = r.format == "f32" ? "raw float32" : "WAV, 32-bit float";
    out->streamed = true;
    return out;
  }
  if (r.format == "f32") {
    check_free_space(r);
    out = std::make_unique<RawFileOutput>(r);
    out->format = "raw float32";
  } else {
    const io::OutputFormat format = io::output_format_for(r.path, r.frames, r.channels);
    if (r.format == "wav" &&
        format.name != io::output_format_for("a.wav", r.frames, r.channels).name)
      throw UsageError("-o " + r.path + " names " + format.name +
                       ", not WAV: leave out --format to write the format the name says, or "
                       "name the file .wav");
    if (!format.clips) check_free_space(r);
    out = std::make_unique<SoundFileOutput>(r, format);
    out->format = format.name;
    out->clips = format.clips;
  }
  out->name = r.path;
  return out;
}

}  // namespace dgen::cli

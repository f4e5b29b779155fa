#include "render_output.hpp"

#include <cstdio>

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

// Standard output cannot seek back to complete a header: a WAV's header is written
// first, from the length known in advance.
class StdoutOutput : public RenderOutput {
 public:
  explicit StdoutOutput(const OutputRequest& r) : writer_(stdout, "standard output") {
    if (r.format != "f32")
      writer_.write_bytes(io::wav_float_header(r.channels, r.sample_rate, r.frames));
  }
  void write(std::span<const float> interleaved) override {
    writer_.write(interleaved);
    writer_.flush();  // a reader downstream gets each block as it is rendered
  }
  void finish() override { writer_.flush(); }

 private:
  io::RawAudioWriter writer_;
};

}  // namespace

std::unique_ptr<RenderOutput> open_render_output(const OutputRequest& r) {
  std::unique_ptr<RenderOutput> out;
  if (r.path == "-") {
    out = std::make_unique<StdoutOutput>(r);
    out->name = "standard output";
    out->format = r.format == "f32" ? "raw float32" : "WAV, 32-bit float";
    out->to_stdout = true;
    return out;
  }
  if (r.format == "f32") {
    out = std::make_unique<RawFileOutput>(r);
    out->format = "raw float32";
  } else {
    const io::OutputFormat format = io::output_format_for(r.path, r.frames, r.channels);
    if (r.format == "wav" &&
        format.name != io::output_format_for("a.wav", r.frames, r.channels).name)
      throw UsageError("-o " + r.path + " names " + format.name +
                       ", not WAV: leave out --format to write the format the name says, or "
                       "name the file .wav");
    out = std::make_unique<SoundFileOutput>(r, format);
    out->format = format.name;
    out->clips = format.clips;
  }
  out->name = r.path;
  return out;
}

}  // namespace dgen::cli

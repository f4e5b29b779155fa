// Where `dgen render` puts its samples, block by block (docs/CLI.md): a file in the
// format its extension names, raw float32 (--format f32) in a file, or a float WAV or
// raw float32 streamed to standard output, a pipe or a device. Files are written under
// a temporary name and appear only when finish() completes them (atomic_file.hpp).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace dgen::cli {

struct OutputRequest {
  std::string path;    // "-" for standard output
  std::string format;  // "wav", "f32", or "" for the one the extension names
  int channels = 1;
  int sample_rate = 44100;
  int64_t frames = 0;
};

class RenderOutput {
 public:
  virtual ~RenderOutput() = default;                           // an unfinished file is removed
  virtual void write(std::span<const float> interleaved) = 0;  // whole frames
  virtual void finish() = 0;
  // How the output is named in messages, and what it holds ("FLAC, 24-bit PCM").
  std::string name, format;
  bool streamed = false;  // each block goes out at once: what is written stays written
  bool clips = false;     // integer samples: values outside [-1, 1] are clipped
};

// Checks the request (a format that the extension does not name is a UsageError; an
// extension libsndfile does not write, or a length the format cannot hold, an Error)
// and creates the output.
std::unique_ptr<RenderOutput> open_render_output(const OutputRequest& request);

}  // namespace dgen::cli

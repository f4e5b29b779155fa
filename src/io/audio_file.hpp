// Audio files for the command line and training (SPEC §7, docs/CLI.md): reading any
// format libsndfile knows (WAV, AIFF, FLAC, ...; PCM 16/24/32 or float), refusing
// truncated files, and writing a render block by block in the format a file name's
// extension names.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace dgen::io {

struct Audio {
  std::vector<std::vector<float>> channels;  // all the same length
  int sample_rate = 0;
};

struct MonoAudio {
  std::vector<float> samples;
  int sample_rate = 0;
};

// Reads every frame of `path`. Throws dgen::Error naming the file when it cannot be
// read, or when it is truncated: its header declares more frames than it holds.
Audio read_audio(const std::string& path);
// read_audio with the channels averaged into one.
MonoAudio read_mono(const std::string& path);

// A container and sample format libsndfile writes.
struct OutputFormat {
  int sndfile_format = 0;  // SF_FORMAT_* major | subtype
  std::string name;        // "FLAC, 24-bit PCM"
  bool clips = false;      // integer samples: values outside [-1, 1] are clipped
};

// The format of a file named `path`, by its extension (case-insensitive): float where
// the container holds float (.wav .rf64 .w64 .aiff/.aif .caf .au), 24-bit PCM for
// .flac, and the lossy .ogg (Vorbis), .opus and .mp3. A .wav too large for WAV's
// 32-bit sizes becomes RF64. Throws dgen::Error for an extension libsndfile does not
// write (listing those it does) or a length the container cannot hold.
OutputFormat output_format_for(const std::string& path, int64_t frames, int channels);

// Streams interleaved float frames into an audio file through libsndfile.
class AudioFileWriter {
 public:
  // Creates `path`; messages name the file `shown_as` (the target of a file written
  // under a temporary name).
  AudioFileWriter(const std::string& path, const OutputFormat& format, int channels,
                  int sample_rate, std::string shown_as = "");
  ~AudioFileWriter();
  AudioFileWriter(const AudioFileWriter&) = delete;
  AudioFileWriter& operator=(const AudioFileWriter&) = delete;

  void write(std::span<const float> interleaved);  // whole frames
  void close();  // completes the header; throws dgen::Error when the file is incomplete

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dgen::io

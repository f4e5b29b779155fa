// Audio files read as tensors (docs/LANGUAGE.md, "Audio files as tables"): wavetables,
// samples and impulse responses in any format libsndfile reads (WAV, FLAC, AIFF, ...).
#pragma once
#include <optional>
#include <string>

#include "lisp/tensor_data.hpp"

namespace dgen::lisp {

// Whether `path` names an audio file (by its extension: .wav .flac .aiff .ogg ...) rather
// than JSON.
bool is_audio_path(const std::string& path);

// How the samples are laid out.
enum class AudioLayout {
  FrameRows,    // [frames] for mono, [frames, channels] otherwise: a table for peek/sample
  ChannelRows,  // [channels, frames]: one row per channel (audio-tensor, ir)
};

// The file's samples, resampled from its rate to `resample_to` Hz when given. Throws
// dgen::Error naming the file when it cannot be read, or is too long for a tensor.
TensorData tensor_from_audio_file(const std::string& path, AudioLayout layout,
                                  std::optional<double> resample_to = std::nullopt);

}  // namespace dgen::lisp

#include "lisp/audio_data.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "dgen/error.hpp"
#include "io/audio_file.hpp"
#include "io/resample.hpp"
#include "lisp/limits.hpp"

namespace dgen::lisp {

bool is_audio_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return char(std::tolower(ch)); });
  for (const char* audio : {".wav", ".wave", ".flac", ".aif", ".aiff", ".aifc", ".ogg", ".oga",
                            ".opus", ".mp3", ".caf", ".w64", ".rf64", ".au", ".snd"})
    if (ext == audio) return true;
  return false;
}

TensorData tensor_from_audio_file(const std::string& path, AudioLayout layout,
                                  std::optional<double> resample_to) {
  io::Audio audio = io::read_audio(path);
  if (resample_to)
    for (std::vector<float>& ch : audio.channels)
      ch = io::resample(ch, double(audio.sample_rate), *resample_to);
  const auto channels = int64_t(audio.channels.size());
  const auto frames = int64_t(audio.channels[0].size());
  if (frames == 0) throw Error("audio file " + path + " holds no samples");
  if (frames * channels > kMaxElements)
    throw Error("audio file " + path + " has " + std::to_string(frames) + " frames of " +
                std::to_string(channels) + " channels, more than the " +
                std::to_string(kMaxElements) + " elements a tensor holds");
  TensorData data;
  data.values.resize(size_t(frames * channels));
  for (int64_t ch = 0; ch < channels; ++ch)
    for (int64_t t = 0; t < frames; ++t) {
      const int64_t at = layout == AudioLayout::ChannelRows ? ch * frames + t : t * channels + ch;
      data.values[size_t(at)] = audio.channels[size_t(ch)][size_t(t)];
    }
  if (layout == AudioLayout::ChannelRows)
    data.shape = {channels, frames};
  else
    data.shape = channels == 1 ? Shape{frames} : Shape{frames, channels};
  return data;
}

}  // namespace dgen::lisp

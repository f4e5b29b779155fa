#include "train/job_audio.hpp"

#include <cmath>
#include <cstdio>

#include "dgen/error.hpp"
#include "train/job.hpp"
#include "train/wav_bytes.hpp"

namespace dgen::train {

namespace fs = std::filesystem;

namespace {

void write_wav(const fs::path& path, std::span<const float> audio, double sample_rate) {
  write_file_atomically(path.string(), wav_bytes(audio, sample_rate, WavFormat::Float32));
}

}  // namespace

std::vector<float> ab_audio(std::span<const float> target, std::span<const float> fit,
                            double sample_rate) {
  std::vector<float> out(target.begin(), target.end());
  out.resize(out.size() + size_t(std::lround(sample_rate / 2)), 0.0f);
  out.insert(out.end(), fit.begin(), fit.end());
  return out;
}

void write_audio_files(const fs::path& dir, std::span<const float> target,
                       std::span<const float> seed, std::span<const float> final_audio,
                       double sample_rate) {
  write_wav(dir / "target.wav", target, sample_rate);
  write_wav(dir / "seed.wav", seed, sample_rate);
  write_wav(dir / "final.wav", final_audio, sample_rate);
  write_wav(dir / "ab.wav", ab_audio(target, final_audio, sample_rate), sample_rate);
}

std::string write_preview(const fs::path& dir, int epoch, std::span<const float> audio,
                          double sample_rate) {
  std::error_code ec;
  fs::create_directories(dir / "previews", ec);
  if (ec) throw Error("cannot create " + (dir / "previews").string() + ": " + ec.message());
  char name[32];
  std::snprintf(name, sizeof name, "epoch-%04d.wav", epoch);
  const fs::path path = dir / "previews" / name;
  write_wav(path, audio, sample_rate);
  return path.string();
}

}  // namespace dgen::train

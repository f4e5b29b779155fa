// The audio a training job leaves for listening (docs/TRAINING.md "The job directory"):
// the target, seed and final renders, an A/B file and previews at checkpoints.
#pragma once
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace dgen::train {

// The target, half a second of silence, then the fit: one file to hear them side by side.
std::vector<float> ab_audio(std::span<const float> target, std::span<const float> fit,
                            double sample_rate);

// target.wav, seed.wav, final.wav and ab.wav in `dir` (32-bit float).
void write_audio_files(const std::filesystem::path& dir, std::span<const float> target,
                       std::span<const float> seed, std::span<const float> final_audio,
                       double sample_rate);

// previews/epoch-NNNN.wav in `dir`; returns its path.
std::string write_preview(const std::filesystem::path& dir, int epoch, std::span<const float> audio,
                          double sample_rate);

}  // namespace dgen::train

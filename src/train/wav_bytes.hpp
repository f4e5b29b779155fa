// WAV files as bytes in memory: the job directory's seed.wav / final.wav (32-bit float,
// as SPEC §7 asks of every written WAV) and the players embedded in report.html (16-bit
// PCM, half the size, which is all a browser preview needs).
#pragma once
#include <span>
#include <string>

namespace dgen::train {

enum class WavFormat { Float32, Pcm16 };

// A mono RIFF/WAVE file of `samples` at `sample_rate`. Pcm16 clips to [-1, 1].
std::string wav_bytes(std::span<const float> samples, double sample_rate, WavFormat format);

}  // namespace dgen::train

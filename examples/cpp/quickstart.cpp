// Quickstart: build a patch with the C++ API, compile it once, render it twice with a
// different cutoff (params never recompile), and stream it in blocks.
#include <cmath>
#include <cstdio>

#include "dgen/dgen.hpp"

int main() {
  using namespace dgen;
  Param cutoff("cutoff", 800.0f, {.min = 20.0f, .max = 20000.0f});
  // A naive sawtooth at 110 Hz through a resonant lowpass, with a slow tremolo.
  Value saw = phasor(110.0) * 2.0 - 1.0;
  Value tremolo = 0.75 + 0.25 * sin(phasor(3.0) * 2.0 * M_PI);
  Value voice = biquad(saw, cutoff, 4.0, 1.0, /*mode=*/0) * tremolo;

  Program program({out(voice, 1)}, {.sample_rate = 48000});
  for (float c : {400.0f, 4000.0f}) {
    cutoff.set(c);
    program.run(48000);
    double sum = 0;
    for (float v : program.channel(1)) sum += double(v) * v;
    std::printf("cutoff %6.0f Hz: rms %.4f\n", c, std::sqrt(sum / 48000));
  }

  // Streaming: preserved state makes eight 64-frame blocks equal one 512-frame run.
  Program stream({out(voice, 1)}, {.sample_rate = 48000, .preserve_state = true});
  for (int block = 0; block < 8; ++block) stream.run(64);
  std::printf("backend: %s\n", program.backend() == Backend::C ? "generated C" : "interpreter");
  std::printf("%s", program.describe().substr(0, 400).c_str());
  return 0;
}

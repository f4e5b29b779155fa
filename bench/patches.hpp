// The four benchmark programs written with dgen ops. bench/faust/*.dsp are the same
// programs in Faust, with the same math, so that side_by_side.py can check that both
// sides compute the same signal before it compares their speed.
#pragma once
#include <vector>

#include "dgen/dgen.hpp"

namespace dgen_bench {

// (i) a cookbook lowpass (1 kHz, q = 0.7071) with constant coefficients on in(1).
dgen::Value biquad_patch();
// (ii) a resonant lowpass (mode 0, q = 5) on in(1) whose cutoff moves every frame:
// 1000 + 800 sin(2π · 2 Hz · t).
dgen::Value modulated_lowpass_patch();
// (iii) 64 sine oscillators (100 + 37 k Hz) as one tensor, summed.
dgen::Value oscillator_bank_patch();
// (iv) two detuned polyBLEP saws → ZDF state-variable lowpass whose cutoff follows the
// envelope → ADSR-shaped VCA, the gate a 2 Hz square.
dgen::Value subtractive_voice_patch();

struct Workload {
  const char* name;  // also the name of the .dsp in bench/faust/
  dgen::Value (*build)();
  bool reads_input;  // in(1) carries input_block()
};

const std::vector<Workload>& workloads();

}  // namespace dgen_bench

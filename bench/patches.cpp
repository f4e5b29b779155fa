#include "patches.hpp"

#include <numbers>

namespace dgen_bench {
using namespace dgen;

namespace {

constexpr double kPi = std::numbers::pi;

// The polyBLEP residual for a phase t in [0, 1) advancing dt per frame: it smooths the
// saw's jump over the frame before and the frame after the wrap.
Value poly_blep(const Value& t, const Value& dt) {
  const Value after = t / dt;           // just after the wrap: t < dt
  const Value before = (t - 1.0) / dt;  // just before it: t > 1 - dt
  return gswitch(lt(t, dt), 2.0 * after - after * after - 1.0,
                 gswitch(gt(t, 1.0 - dt), before * before + 2.0 * before + 1.0, 0.0));
}

Value blep_saw(double freq) {
  const Value phase = phasor(freq);
  return 2.0 * phase - 1.0 - poly_blep(phase, freq / samplerate());
}

// A zero-delay-feedback state-variable lowpass (trapezoidal integrators, as in Cytomic's
// SVF paper); damping k = 1/Q. Two history cells hold the integrator states.
Value svf_lowpass(const Value& x, const Value& cutoff, double k) {
  History ic1, ic2;
  const Value g = tan(kPi * cutoff / samplerate());
  const Value a1 = 1.0 / (1.0 + g * (g + k)), a2 = g * a1, a3 = g * a2;
  const Value s1 = ic1.read(), s2 = ic2.read();
  const Value v3 = x - s2;
  const Value v1 = a1 * s1 + a2 * v3;
  const Value v2 = s2 + a2 * s1 + a3 * v3;
  ic1.write(2.0 * v1 - s1);
  ic2.write(2.0 * v2 - s2);
  return v2;
}

// An ADSR envelope: a linear attack to 1 from the gate's rising edge, then exponential
// decay to the sustain level while the gate is on, exponential release once it is off.
Value adsr(const Value& gate, double attack_s, double decay_s, double sustain, double release_s) {
  History level, attacking, was_on;
  const Value sr = samplerate();
  const Value on = gt(gate, 0.0);
  const Value rising = on * (1.0 - was_on.read());
  was_on.write(on);
  const Value prev = level.read();
  const Value in_attack = max(rising, attacking.read()) * on;
  const Value up = min(prev + 1.0 / (attack_s * sr), 1.0);
  const Value decayed = prev + (sustain - prev) * (1.0 - exp(-1.0 / (decay_s * sr)));
  const Value released = prev * exp(-1.0 / (release_s * sr));
  const Value next = gswitch(on, gswitch(in_attack, up, decayed), released);
  attacking.write(in_attack * lt(up, 1.0));
  level.write(next);
  return next;
}

}  // namespace

Value biquad_patch() { return out(biquad(in(1), 1000.0, 0.7071, 1.0, 0), 1); }

Value modulated_lowpass_patch() {
  const Value cutoff = 1000.0 + 800.0 * sin(2.0 * kPi * phasor(2.0));
  return out(biquad(in(1), cutoff, 5.0, 1.0, 0), 1);
}

Value oscillator_bank_patch() {
  constexpr int kOscillators = 64;
  std::vector<float> freqs(kOscillators);
  for (int k = 0; k < kOscillators; ++k) freqs[size_t(k)] = float(100 + 37 * k);
  return out(sum(sin(2.0 * kPi * phasor(tensor({kOscillators}, freqs)))), 1);
}

Value subtractive_voice_patch() {
  const Value gate = lt(phasor(2.0), 0.5);
  const Value env = adsr(gate, 0.005, 0.1, 0.6, 0.2);
  const Value saws = 0.5 * (blep_saw(220.0) + blep_saw(221.3));
  return out(svf_lowpass(saws, 200.0 + 3000.0 * env, 0.5) * env, 1);
}

const std::vector<Workload>& workloads() {
  static const std::vector<Workload> all = {
      {"biquad", biquad_patch, true},
      {"modlp", modulated_lowpass_patch, true},
      {"oscbank", oscillator_bank_patch, false},
      {"voice", subtractive_voice_patch, false},
  };
  return all;
}

}  // namespace dgen_bench

// Complex arithmetic on (re, im) pairs and spectra in polar form (docs/LANGUAGE.md,
// "Complex spectra"): elementwise math on the FFT's parts, so gradients come from the
// primitives' rules.
#include "dgen/ops_audio.hpp"

namespace dgen {

std::pair<Value, Value> complex_mul(const Value& a_re, const Value& a_im, const Value& b_re,
                                    const Value& b_im) {
  return {a_re * b_re - a_im * b_im, a_re * b_im + a_im * b_re};
}

std::pair<Value, Value> complex_conj(const Value& re, const Value& im) { return {re, -im}; }

// The 1e-30 keeps the magnitude's derivative, re / |X|, finite at a zero bin while
// changing no float32 magnitude above 1e-15.
std::pair<Value, Value> polar_fft(const Value& x) {
  auto [re, im] = fft(x);
  return {sqrt(re * re + im * im + 1e-30), atan2(im, re)};
}

std::pair<Value, Value> rect_from_polar(const Value& magnitude, const Value& phase) {
  return {magnitude * cos(phase), magnitude * sin(phase)};
}

}  // namespace dgen

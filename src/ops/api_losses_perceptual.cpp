// The log-mel and loudness-envelope losses of docs/TRAINING.md "Losses": like the spectral
// losses, compositions of primitives (buffer, Hann, FFT, a mel matrix, log, a hop-frame
// gate), so their gradients come from the primitives' adjoint rules.
#include <cmath>
#include <string>

#include "dgen/error.hpp"
#include "dgen/perceptual_losses.hpp"
#include "ops/loss_parts.hpp"

namespace dgen {
namespace {

using namespace loss_parts;

double hz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double mel_to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

void check_signals(const char* what, const Value& a, const Value& b) {
  if (!a.shape().empty() || !b.shape().empty())
    throw Error(std::string(what) + ": expects two scalar signals, got shapes " +
                to_string(a.shape()) + " and " + to_string(b.shape()));
}

void check_window(const char* what, int64_t n, int64_t hop, int64_t frames) {
  if (n < 2 || (n & (n - 1)) != 0)
    throw Error(std::string(what) + ": size must be a power of two >= 2, got " + std::to_string(n));
  if (hop < 1) throw Error(std::string(what) + ": hop must be >= 1, got " + std::to_string(hop));
  if (frames < 0)
    throw Error(std::string(what) + ": frames must be >= 0, got " + std::to_string(frames));
}

// A sum over windows, or (frames > 0) the mean over the windows of a run of that many
// frames and over `per_window` terms each.
Value windows_mean(const Value& summed, int64_t n, int64_t hop, int64_t frames, int64_t per_window,
                   const char* what) {
  if (frames == 0) return summed;
  const int64_t windows = spectral_windows(n, hop, frames);
  if (windows == 0)
    throw Error(std::string(what) + ": a window of " + std::to_string(n) + " frames every " +
                std::to_string(hop) + " has no full window in a run of " + std::to_string(frames) +
                " frames");
  return summed * (1.0 / (double(windows) * double(per_window)));
}

// Triangular mel bands (HTK mel scale, peak 1) over the bins of an n-point spectrum, one
// row of n / 2 + 1 weights per band that holds a bin.
struct MelBands {
  std::vector<float> weights;
  int64_t rows = 0;
};
MelBands mel_filterbank(int64_t n, double sample_rate, int64_t bands, double fmin, double fmax) {
  const int64_t bins = n / 2 + 1;
  const double lo = hz_to_mel(fmin), hi = hz_to_mel(fmax);
  MelBands out;
  for (int64_t b = 0; b < bands; ++b) {
    const double left = mel_to_hz(lo + (hi - lo) * double(b) / double(bands + 1)),
                 centre = mel_to_hz(lo + (hi - lo) * double(b + 1) / double(bands + 1)),
                 right = mel_to_hz(lo + (hi - lo) * double(b + 2) / double(bands + 1));
    std::vector<float> row(size_t(bins), 0.0f);
    double total = 0;
    for (int64_t k = 0; k < bins; ++k) {
      const double f = double(k) * sample_rate / double(n);
      const double w =
          std::fmax(0.0, std::fmin((f - left) / (centre - left), (right - f) / (right - centre)));
      row[size_t(k)] = float(w);
      total += w;
    }
    // A band narrower than a bin that holds no bin's frequency would compare only floors.
    if (total == 0) continue;
    out.weights.insert(out.weights.end(), row.begin(), row.end());
    ++out.rows;
  }
  return out;
}

}  // namespace

Value logmel_loss(const Value& a, const Value& b, LogMelOptions o) {
  check_signals("logmel_loss", a, b);
  o.hop = default_hop(o.n, o.hop);
  check_window("logmel_loss", o.n, o.hop, o.frames);
  if (o.bands < 1) throw Error("logmel_loss: bands must be >= 1, got " + std::to_string(o.bands));
  if (!(o.sample_rate > 0))
    throw Error("logmel_loss: sample_rate must be > 0, got " + std::to_string(o.sample_rate));
  const double fmax = o.fmax > 0 ? o.fmax : o.sample_rate / 2;
  if (!(o.fmin >= 0 && o.fmin < fmax))
    throw Error("logmel_loss: needs 0 <= fmin < fmax, got " + std::to_string(o.fmin) + " and " +
                std::to_string(fmax));
  MelBands bands = mel_filterbank(o.n, o.sample_rate, o.bands, o.fmin, fmax);
  if (bands.rows == 0)
    throw Error("logmel_loss: no mel band holds a bin of a " + std::to_string(o.n) +
                "-point spectrum");
  const int64_t bins = o.n / 2 + 1;
  const Value mel = tensor({bands.rows, bins}, std::move(bands.weights));
  // The mel energies of the spectra with the level-relative floor added to every bin
  // (as the spectral losses' magnitudes have it, docs/TRAINING.md "The magnitude floor"):
  // M (|X|² + ε²), so a band where both sounds are silent compares two equal floors.
  const WindowSpectrum sa = window_spectrum(a, o.n, o.hop), sb = window_spectrum(b, o.n, o.hop);
  const Value floor_power = relative_floor(sa.energy + sb.energy, o.eps, o.hop);
  const auto mel_energy = [&](const Value& power) {
    return matmul(mel, reshape(power + floor_power, {bins, 1}));
  };
  const Value distance = sum(abs(log(mel_energy(sa.power)) - log(mel_energy(sb.power))));
  return windows_mean(distance * full_window_gate(o.n, o.hop), o.n, o.hop, o.frames, bands.rows,
                      "logmel_loss");
}

Value loudness_loss(const Value& a, const Value& b, LoudnessOptions o) {
  check_signals("loudness_loss", a, b);
  o.hop = default_hop(o.n, o.hop);
  check_window("loudness_loss", o.n, o.hop, o.frames);
  const Value ea = window_energy(a, o.n, o.hop), eb = window_energy(b, o.n, o.hop);
  const Value floor_energy = relative_floor(ea + eb, o.eps, o.hop);
  // 10 log10(E + floor) in dB: a window's level, its difference the loudness error in dB.
  const double db = 10.0 / std::log(10.0);
  const Value distance = db * abs(log(ea + floor_energy) - log(eb + floor_energy));
  return windows_mean(distance * full_window_gate(o.n, o.hop), o.n, o.hop, o.frames, 1,
                      "loudness_loss");
}

}  // namespace dgen

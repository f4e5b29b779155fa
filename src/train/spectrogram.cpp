#include "train/spectrogram.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

namespace dgen::train {

namespace {

constexpr int kWindow = 2048;
constexpr double kFloorDb = -100, kTopDb = 0, kLowestHz = 20;

// In-place iterative radix-2 FFT; a.size() is a power of two.
void fft(std::vector<std::complex<double>>& a) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const std::complex<double> w = std::polar(1.0, -2 * std::numbers::pi / double(len));
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> wk = 1;
      for (size_t k = 0; k < len / 2; ++k, wk *= w) {
        const std::complex<double> u = a[i + k], v = a[i + k + len / 2] * wk;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
      }
    }
  }
}

// Magnitudes of the Hann-windowed frame centred on `centre`, scaled so that a
// full-scale sine peaks at 1 (the periodic Hann sums to N/2, a sine splits in two bins).
std::vector<double> frame_magnitudes(std::span<const float> x, int64_t centre) {
  std::vector<std::complex<double>> a(kWindow);
  for (int n = 0; n < kWindow; ++n) {
    const int64_t i = centre - kWindow / 2 + n;
    const double w = 0.5 * (1 - std::cos(2 * std::numbers::pi * n / kWindow));
    a[size_t(n)] = i >= 0 && i < int64_t(x.size()) ? w * x[size_t(i)] : 0.0;
  }
  fft(a);
  std::vector<double> mag(kWindow / 2 + 1);
  for (size_t k = 0; k < mag.size(); ++k) mag[k] = std::abs(a[k]) / (kWindow / 4.0);
  return mag;
}

// A row's magnitude: the loudest bin inside its band, or the interpolated spectrum at
// its centre where the band is narrower than a bin (the low rows of a log axis).
double band_magnitude(const std::vector<double>& mag, double bin_lo, double bin_hi) {
  const int lo = int(std::ceil(bin_lo)), hi = int(std::floor(bin_hi));
  double best = 0;
  for (int k = std::max(lo, 0); k <= std::min(hi, int(mag.size()) - 1); ++k)
    best = std::max(best, mag[size_t(k)]);
  if (lo <= hi) return best;
  const double centre = std::clamp(0.5 * (bin_lo + bin_hi), 0.0, double(mag.size() - 1));
  const size_t k = size_t(centre);
  const double frac = centre - double(k);
  return k + 1 < mag.size() ? mag[k] * (1 - frac) + mag[k + 1] * frac : mag[k];
}

}  // namespace

Spectrogram spectrogram(std::span<const float> x, double sample_rate, int rows, int max_columns) {
  Spectrogram s;
  s.rows = rows;
  s.min_hz = kLowestHz;
  s.max_hz = sample_rate / 2;
  s.floor_db = kFloorDb;
  s.top_db = kTopDb;
  const int64_t hop =
      std::max<int64_t>(kWindow / 8, (int64_t(x.size()) + max_columns - 1) / max_columns);
  s.columns = int(std::max<int64_t>(1, (int64_t(x.size()) + hop - 1) / hop));
  s.seconds = double(s.columns * hop) / sample_rate;
  s.levels.resize(size_t(s.columns) * size_t(rows));
  const double bin_hz = sample_rate / kWindow, ratio = s.max_hz / s.min_hz;
  for (int c = 0; c < s.columns; ++c) {
    const std::vector<double> mag = frame_magnitudes(x, int64_t(c) * hop);
    for (int r = 0; r < rows; ++r) {
      const double f_lo = s.min_hz * std::pow(ratio, double(r) / rows);
      const double f_hi = s.min_hz * std::pow(ratio, double(r + 1) / rows);
      const double db = 20 * std::log10(band_magnitude(mag, f_lo / bin_hz, f_hi / bin_hz) + 1e-12);
      const double level = 255 * (db - kFloorDb) / (kTopDb - kFloorDb);
      s.levels[size_t(c) * size_t(rows) + size_t(r)] =
          uint8_t(std::clamp(std::lround(level), 0L, 255L));
    }
  }
  return s;
}

}  // namespace dgen::train

// Reference filters for the standard library's tests: an analog prototype H(s) = N(s)/D(s)
// in s normalised to the cutoff, taken through the bilinear transform with prewarping
// (s = c·(1 - z⁻¹)/(1 + z⁻¹), c = 1/tan(π·fc/sr)) and run as a direct-form recursion in
// double; and the magnitude of a response at one frequency.
#pragma once
#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

namespace dgen::lisp::test {

// Polynomials in z⁻¹ (or s), lowest power first.
using Poly = std::vector<double>;

inline Poly poly_mul(const Poly& a, const Poly& b) {
  Poly p(a.size() + b.size() - 1, 0.0);
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < b.size(); ++j) p[i + j] += a[i] * b[j];
  return p;
}

// Σ_k h[k]·c^k·(1 - z⁻¹)^k·(1 + z⁻¹)^(order - k): h(s) times (1 + z⁻¹)^order.
inline Poly bilinear_poly(const Poly& h, double c, size_t order) {
  Poly out(order + 1, 0.0);
  for (size_t k = 0; k < h.size(); ++k) {
    Poly term{std::pow(c, double(k)) * h[k]};
    for (size_t i = 0; i < k; ++i) term = poly_mul(term, {1, -1});
    for (size_t i = k; i < order; ++i) term = poly_mul(term, {1, 1});
    for (size_t i = 0; i < term.size(); ++i) out[i] += term[i];
  }
  return out;
}

// tan(π·fc/sr) with fc clamped into [1e-4·sr, 0.49·sr], as std/filters' `prewarp`.
inline double prewarp(double fc, double sr) {
  return std::tan(std::numbers::pi * std::clamp(fc, 1e-4 * sr, 0.49 * sr) / sr);
}

// x filtered by the bilinear transform of num(s)/den(s) with integrator gain g (c = 1/g).
inline std::vector<double> bilinear_filter(const Poly& num, const Poly& den, double g,
                                           const std::vector<float>& x) {
  const size_t order = std::max(num.size(), den.size()) - 1;
  const Poly b = bilinear_poly(num, 1 / g, order), a = bilinear_poly(den, 1 / g, order);
  std::vector<double> y(x.size(), 0.0);
  for (size_t n = 0; n < x.size(); ++n) {
    double acc = 0;
    for (size_t i = 0; i <= order && i <= n; ++i)
      acc += b[i] * x[n - i] - (i ? a[i] * y[n - i] : 0);
    y[n] = acc / a[0];
  }
  return y;
}

// |Σ h[n]·e^(-iωn)| in dB at `freq` Hz: the magnitude of a (decayed) impulse response.
inline double response_db(const std::vector<float>& h, double freq, double sr) {
  std::complex<double> sum = 0;
  const double w = 2 * std::numbers::pi * freq / sr;
  for (size_t n = 0; n < h.size(); ++n) sum += double(h[n]) * std::polar(1.0, -w * double(n));
  return 20 * std::log10(std::abs(sum));
}

}  // namespace dgen::lisp::test

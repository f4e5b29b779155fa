// The random-graph builder's stateful steps: stable feedback loops, hop-rate cells,
// delays, biquads, latches, compressors, modulated oscillators, and the windowed (hop,
// buffer, FFT, overlap-add) chains of SPEC §2.3.
#include <algorithm>
#include <array>
#include <cmath>

#include "core/random_graph_builder.hpp"

namespace dgen::test::detail {

void Builder::add_state() {
  switch (below(10)) {
    case 0:
      add_feedback();
      break;
    case 1:
      add_hop_cell();
      break;
    case 2:
      add_delay();
      break;
    case 3:
      add_biquad();
      break;
    case 4: {
      const Term v = any(), trig = compatible_with(v.v.shape());
      add(latch(v.v, gt(trig.v, constant(-0.5, 0.5))), v.bound,
          "latch " + name(v) + " when " + name(trig));
      break;
    }
    case 5: {
      const Term x = scalar();
      const double ratio = constant(1, 8), thr = constant(-30, -6), knee = constant(0, 12);
      add(compressor(x.v, ratio, thr, knee, constant(0.001, 0.02), constant(0.01, 0.2)), x.bound,
          "compressor " + name(x));
      break;
    }
    case 6: {
      const Term m = any();
      add(sin(kTwoPi * phasor(constant(100, 1000) + constant(10, 90) * m.v)), 1,
          "oscillator modulated by " + name(m));
      break;
    }
    case 7: {
      // inc / 64 keeps exact (dyadic) increments exact, so float and double land on the
      // wrap boundaries alike.
      const Term inc = any(), r = compatible_with(inc.v.shape());
      const double lo = constant(-1, 0), hi = lo + constant(0.5, 2);
      add(accum(inc.v / 64.0, gt(r.v, 0.9), lo, hi), std::max(-lo, hi),
          "accum of " + name(inc) + " reset by " + name(r));
      break;
    }
    case 8: {
      const Term r = scalar();
      add(phasor(constant(50, 500), gt(r.v, 0.8)), 1, "phasor reset by " + name(r));
      break;
    }
    default: {
      const Term x = any();
      add(noise(uint32_t(below(1000))) * x.v, x.bound, "noise scaled by " + name(x));
      break;
    }
  }
}

// y = tanh(a y[t-1] + x) with |a| < 1, sometimes through a delay line inside the loop.
void Builder::add_feedback() {
  const Term x = any();
  History h(x.v.shape());
  const double a = constant(-0.9, 0.9);
  Value prev = h.read();
  std::string what = "feedback tanh(" + std::to_string(a) + " y[t-1] + " + name(x) + ")";
  if (coin(0.3)) {
    prev = delay(prev, double(1 + below(6)), 16);
    what += " through a delay";
  }
  add(h.write(tanh(a * prev + x.v)), 1, what);
}

// A hop-rate cell: a (delayed) sample-and-hold of x, or a hop-rate recurrence.
void Builder::add_hop_cell() {
  const Term x = any();
  const int64_t hop = std::array<int64_t, 4>{2, 3, 8, 64}[size_t(below(4))];
  const std::vector<float> init = coin() ? values(numel(x.v.shape()), -1, 1) : std::vector<float>{};
  History h(x.v.shape(), init, hop);
  const Value r = h.read();
  if (coin()) {
    h.write(x.v);
    add(r, std::max(x.bound, 1.0), "hop(" + std::to_string(hop) + ") hold of " + name(x));
  } else {
    h.write(tanh(0.5 * r + x.v));
    add(r, 1, "hop(" + std::to_string(hop) + ") recurrence of " + name(x));
  }
}

void Builder::add_delay() {
  const Term x = any();
  const int64_t max = std::array<int64_t, 3>{8, 64, 300}[size_t(below(3))];
  const int kind = below(3);
  Value d = 0.0;
  std::string what;
  if (kind == 0) {
    d = double(below(int(max)));
    what = "integer";
  } else if (kind == 1) {
    d = constant(0, double(max - 1));
    what = "fractional";
  } else {
    const Term m = compatible_with(x.v.shape());
    d = double(max) / 2 + double(max) / 3 * m.v / (1.0 + abs(m.v));
    what = "modulated by " + name(m);
  }
  add(delay(x.v, d, max), x.bound,
      what + " delay of " + name(x) + " (max " + std::to_string(max) + ")");
}

// Cutoffs stay above 1.5 kHz: below, cos(w0) rounds in float32 to a visibly different
// filter than in float64.
void Builder::add_biquad() {
  const Term x = any();
  const int mode = below(8);
  Value cutoff = constant(1500, 8000);
  std::string what = "biquad mode " + std::to_string(mode) + " of " + name(x);
  if (coin()) {
    const Term m = scalar();
    cutoff = cutoff + 1000.0 * m.v / (1.0 + abs(m.v));
    what += " cutoff modulated by " + name(m);
  }
  const double q = constant(0.5, 2), gain = constant(0.5, 1.5);
  add(biquad(x.v, cutoff, q, gain, mode), x.bound * (2 + 2 * q) * gain, what);
}

// Windows of a scalar signal at hop rate: held samples, raw windows, FFT magnitudes, and
// FFT -> gain -> inverse FFT -> Hann overlap-add back to a signal.
void Builder::add_window() {
  const Term x = scalar();
  const int64_t n = std::array<int64_t, 3>{4, 8, 16}[size_t(below(3))];
  const int64_t hop = n / std::array<int64_t, 3>{1, 2, 4}[size_t(below(3))];
  const std::string where =
      " (N " + std::to_string(n) + ", hop " + std::to_string(hop) + ") of " + name(x);
  const double overlap = double(n) / double(hop);
  switch (below(5)) {
    case 0: {
      const Term y = any();
      add(hop_hold(y.v, hop), y.bound, "hop_hold " + std::to_string(hop) + " of " + name(y));
      break;
    }
    case 1:
      add(buffer(x.v, n, hop), x.bound, "buffer" + where);
      break;
    case 2:
      add(overlap_add(buffer(x.v, n, hop) * hann(n), hop), x.bound * overlap,
          "hann overlap-add" + where);
      break;
    case 3: {
      const auto [re, im] = fft(buffer(x.v, n, hop));
      add(sqrt(re * re + im * im), x.bound * double(n), "fft magnitudes" + where);
      break;
    }
    default: {
      const auto [re, im] = fft(buffer(x.v, n, hop));
      const Value gain = tensor({n}, values(n, 0, 1));
      add(overlap_add(ifft(re * gain, im * gain) * hann(n), hop), x.bound * overlap,
          "fft filter" + where);
      break;
    }
  }
}

}  // namespace dgen::test::detail

// The C++ API of SPEC §2.2. phasor, accum, noise and delay are primitives; latch, click,
// biquad and compressor are compositions of history cells and math, so the scheduler
// keeps their recurrences in serial regions and autodiff needs no rules for them.
#include <cmath>
#include <numbers>

#include "dgen/error.hpp"
#include "dgen/ops_audio.hpp"
#include "ir/format_number.hpp"
#include "ir/node.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"

namespace dgen {

Value phasor(const Value& freq, const Value& reset) { return make("phasor", {freq, reset}); }
Value accum(const Value& inc, const Value& reset, const Value& lo, const Value& hi) {
  return make("accum", {inc, reset, lo, hi});
}
Value noise(uint32_t seed) { return make("noise", {}, {{int64_t(seed)}, {}}); }
Value noise_tensor(int64_t n, uint32_t seed) {
  if (n == 0) return noise(seed);
  return make("noise", {}, {{int64_t(seed), n}, {}});
}

namespace {

// The values of a constant (a number or a tensor literal); empty for anything else.
std::vector<double> constant_values(const Value& v) {
  const Node& n = *v.node();
  if (n.op->name == "const") return n.attrs.reals;
  if (n.op->name == "tensor" && n.data) return {n.data->begin(), n.data->end()};
  return {};
}

}  // namespace

// A delay time known when the patch is built must fit the line: running, a time is
// clamped to [0, max - 1] (docs/LANGUAGE.md, delay), which for a constant would only
// hide a mistake.
Value delay(const Value& x, const Value& d, int64_t max) {
  if (max < 1) throw Error("delay: max must be >= 1, got " + std::to_string(max));
  for (const double frames : constant_values(d)) {
    if (!(std::isfinite(frames) && frames >= 0))
      throw Error("delay: the delay time must be a finite number of frames >= 0, got " +
                  format_number(frames));
    if (frames > double(max - 1))
      throw Error("delay: " + format_number(frames) + " frames is longer than the line of max " +
                  std::to_string(max) + " (it holds delays up to " + std::to_string(max - 1) +
                  " frames)");
  }
  return make("delay", {x, d}, {{max}, {}});
}

Value latch(const Value& v, const Value& trig) {
  History held(broadcast_shapes({v.shape(), trig.shape()}, "latch"));
  const Value now = gswitch(trig, v, held.read());
  held.write(now);
  return now;
}

Value click() {
  History first({}, {1.0f});
  Value r = first.read();
  first.write(0.0);
  return r;
}

namespace {

struct Coefficients {
  Value b0, b1, b2, a0, a1, a2;
};

// The ranges biquad clamps its controls into (docs/LANGUAGE.md, "Filter controls out of
// range"), so that every value gives a stable filter in float32 at every sample rate:
// above Nyquist sin(w0) < 0 turns the damping negative (poles outside the unit circle);
// q <= 0 does the same; near 0 Hz cos(w0) rounds to 1 in float32 and a pole sits on the
// unit circle; a huge q puts the poles within one float32 step of it; a shelf's gain <= 0
// has no square root. Clamped controls have a zero gradient.
constexpr double kMinCutoff = 1e-4, kMaxCutoff = 0.49;  // × the sample rate
constexpr double kMinQ = 0.01, kMaxQ = 1000;
constexpr double kMinShelfGain = 1e-5, kMaxShelfGain = 1e5;  // ±100 dB

Coefficients cookbook(const Value& cutoff_hz, const Value& q_given, const Value& gain, int mode) {
  const Value sr = samplerate();
  const Value cutoff = clip(cutoff_hz, kMinCutoff * sr, kMaxCutoff * sr);
  const Value q = clip(q_given, kMinQ, kMaxQ);
  const Value w0 = 2.0 * std::numbers::pi * cutoff / sr;
  const Value c = cos(w0), s = sin(w0), alpha = s / (2.0 * q);
  if (mode == 6 || mode == 7) {
    const Value A = sqrt(clip(gain, kMinShelfGain, kMaxShelfGain)), sqA2a = 2.0 * sqrt(A) * alpha;
    const Value ap1 = A + 1.0, am1 = A - 1.0;
    if (mode == 6)  // high shelf
      return {A * (ap1 + am1 * c + sqA2a), -2.0 * A * (am1 + ap1 * c), A * (ap1 + am1 * c - sqA2a),
              ap1 - am1 * c + sqA2a,       2.0 * (am1 - ap1 * c),      ap1 - am1 * c - sqA2a};
    return {A * (ap1 - am1 * c + sqA2a), 2.0 * A * (am1 - ap1 * c), A * (ap1 - am1 * c - sqA2a),
            ap1 + am1 * c + sqA2a,       -2.0 * (am1 + ap1 * c),    ap1 + am1 * c - sqA2a};
  }
  Value b0 = 0.0, b1 = 0.0, b2 = 0.0;
  // One line per mode, like the cookbook's table.
  // clang-format off
  switch (mode) {
    case 0: b0 = (1.0 - c) / 2.0, b1 = 1.0 - c, b2 = (1.0 - c) / 2.0; break;
    case 1: b0 = (1.0 + c) / 2.0, b1 = -(1.0 + c), b2 = (1.0 + c) / 2.0; break;
    case 2: b0 = alpha, b1 = 0.0, b2 = -alpha; break;
    case 3: b0 = s / 2.0, b1 = 0.0, b2 = -s / 2.0; break;
    case 4: b0 = 1.0, b1 = -2.0 * c, b2 = 1.0; break;
    case 5: b0 = 1.0 - alpha, b1 = -2.0 * c, b2 = 1.0 + alpha; break;
    default: throw Error("biquad: mode must be 0..7, got " + std::to_string(mode));
  }
  // clang-format on
  return {b0 * gain, b1 * gain, b2 * gain, 1.0 + alpha, -2.0 * c, 1.0 - alpha};
}

}  // namespace

Value biquad(const Value& x, const Value& cutoff, const Value& q, const Value& gain, int mode) {
  const Coefficients k = cookbook(cutoff, q, gain, mode);
  const Value inv = 1.0 / k.a0;
  const Value b0 = k.b0 * inv, b1 = k.b1 * inv, b2 = k.b2 * inv, a1 = k.a1 * inv, a2 = k.a2 * inv;
  const Shape shape = broadcast_shapes(
      {x.shape(), b0.shape(), b1.shape(), b2.shape(), a1.shape(), a2.shape()}, "biquad");
  History x1(shape), x2(shape), y1(shape), y2(shape);
  const Value xs = shape == x.shape() ? x : x + zeros(shape);
  const Value px1 = x1.read(), px2 = x2.read(), py1 = y1.read(), py2 = y2.read();
  // y[t-1] enters last: the serial loop's critical path is then one multiply-add per frame
  // (every other term is known a frame ahead).
  const Value y = b0 * xs + b1 * px1 + b2 * px2 - a2 * py2 - a1 * py1;
  x2.write(px1);
  x1.write(xs);
  y2.write(py1);
  y1.write(y);
  return y;
}

Value compressor(const Value& x, const Value& ratio, const Value& threshold_db,
                 const Value& knee_db, const Value& attack_s, const Value& release_s,
                 const std::optional<Value>& sidechain) {
  const Value level = 20.0 * log10(max(abs(sidechain ? *sidechain : x), 1e-9));
  const Value over = level - threshold_db;
  const Value knee = max(knee_db, 1e-6);
  // A ratio below 1 would raise loud signals without bound (1/0 at 0): it counts as 1.
  const Value slope = 1.0 / max(ratio, 1.0) - 1.0;
  const Value in_knee = slope * (over + knee / 2.0) * (over + knee / 2.0) / (2.0 * knee);
  const Value target = gswitch(lt(2.0 * over, -knee), 0.0,
                               gswitch(lte(2.0 * abs(over), knee), in_knee, slope * over));
  // One-pole smoothing of the gain in dB: attack while the reduction grows.
  History gain_db(target.shape());
  const Value prev = gain_db.read();
  const Value time = gswitch(lt(target, prev), attack_s, release_s);
  const Value a = exp(-1.0 / (max(time, 1e-6) * samplerate()));
  const Value g = a * prev + (1.0 - a) * target;
  gain_db.write(g);
  return x * pow(10.0, g / 20.0);
}

}  // namespace dgen

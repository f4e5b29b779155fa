// Stateful signal operators (SPEC §2.2): oscillators, accumulators, latches, noise,
// delays, the biquad and the compressor.
#include <optional>

#include "dgen/ops_audio.hpp"
#include "lisp/builtins.hpp"
#include "lisp/limits.hpp"

namespace dgen::lisp {
namespace {

constexpr int64_t kDefaultMaxDelay = 88200;

// Operators that take their controls either positionally or as attributes: slot i is
// argument i when given, else the attribute `name`, else `fallback` (required when none).
Value slot(Call& c, size_t i, std::string_view name, std::optional<double> fallback) {
  if (i < c.size()) {
    if (c.has(name))
      c.fail_at(c.attr_pos(name), c.op() + ": " + std::string(name) +
                                      " is given both as argument " + std::to_string(i + 1) +
                                      " and as @" + std::string(name));
    return c.value(i);
  }
  if (std::optional<Value> v = c.attr_value(name)) return *v;
  if (!fallback)
    c.fail(c.op() + " needs " + std::string(name) + " (argument " + std::to_string(i + 1) +
           " or @" + std::string(name) + ")");
  return *fallback;
}

Datum phasor_builtin(Call& c) { return phasor(c.value(0), c.size() > 1 ? c.value(1) : Value(0.0)); }

Datum accum_builtin(Call& c) {
  return accum(c.value(0), c.size() > 1 ? c.value(1) : Value(0.0),
               c.size() > 2 ? c.value(2) : Value(0.0), c.size() > 3 ? c.value(3) : Value(1.0));
}

// (noise [seed] [@size n] [@hop h]): n values per frame, or per hop (held between).
Datum noise_builtin(Call& c) {
  constexpr int64_t kMaxSeed = 0xFFFFFFFF;
  if (c.size() == 1 && c.has("seed"))
    c.fail_at(c.attr_pos("seed"), "noise: seed is given both as argument 1 and as @seed");
  const int64_t seed =
      c.size() == 1 ? c.integer(0, 0, kMaxSeed) : c.attr_integer("seed", 1, 0, kMaxSeed);
  const int64_t size = c.attr_integer("size", 0, 1, kMaxElements);
  const Value values = noise_tensor(size, static_cast<uint32_t>(seed));
  if (!c.has("hop")) return values;
  return hop_hold(values, c.attr_integer("hop", 1, 1, kMaxElements));
}

// (seq values phase) or (seq values @trigger t).
Datum seq_builtin(Call& c) {
  if (c.has("trigger")) {
    if (c.size() > 1) c.fail_at(c.attr_pos("trigger"), "seq: give a phase or @trigger, not both");
    return seq_trigger(c.value(0), *c.attr_value("trigger"));
  }
  if (c.size() < 2) c.fail("seq needs a phase (argument 2) or @trigger");
  return seq(c.value(0), c.value(1));
}

// The delay line must hold the longest delay: a constant delay longer than the default
// line grows the line instead of being clamped silently.
Datum delay_builtin(Call& c) {
  const Datum d = c.numeric(1);
  int64_t max_delay = kDefaultMaxDelay;
  if (c.size() > 2) {
    if (c.has("max-delay"))
      c.fail_at(c.attr_pos("max-delay"),
                "delay: max-delay is given both as argument 3 and as @max-delay");
    max_delay = c.integer(2, 1, kMaxDelay);
  } else if (c.has("max-delay")) {
    max_delay = c.attr_integer("max-delay", kDefaultMaxDelay, 1, kMaxDelay);
  } else if (d.is_number() && d.number() + 2 > double(kDefaultMaxDelay)) {
    if (d.number() + 2 > double(kMaxDelay))
      c.fail_at(c.arg_pos(1), "delay: " + format_number(d.number()) +
                                  " frames is longer than the longest delay line (" +
                                  std::to_string(kMaxDelay) + " frames)");
    max_delay = static_cast<int64_t>(d.number()) + 2;
  }
  return delay(c.value(0), d.value(), max_delay);
}

Datum biquad_builtin(Call& c) {
  int64_t mode = 0;
  if (c.size() > 4) {
    if (c.has("mode"))
      c.fail_at(c.attr_pos("mode"), "biquad: mode is given both as argument 5 and as @mode");
    mode = c.integer(4, 0, 7);
  } else {
    mode = c.attr_integer("mode", 0, 0, 7);
  }
  return biquad(c.value(0), slot(c, 1, "cutoff", std::nullopt), slot(c, 2, "q", 0.707),
                slot(c, 3, "gain", 1.0), static_cast<int>(mode));
}

// (compressor x ratio threshold knee attack release [sidechain]) or with an 8th
// argument (… is-sidechain sidechain): detection follows the sidechain while
// is-sidechain > 0.
Datum compressor_builtin(Call& c) {
  std::optional<Value> sidechain;
  if (c.size() == 8) {
    sidechain = gswitch(c.value(6), c.value(7), c.value(0));
  } else if (c.size() == 7) {
    if (c.has("sidechain"))
      c.fail_at(c.attr_pos("sidechain"),
                "compressor: sidechain is given both as argument 7 and as @sidechain");
    sidechain = c.value(6);
  } else {
    sidechain = c.attr_value("sidechain");
  }
  return compressor(c.value(0), slot(c, 1, "ratio", 4.0), slot(c, 2, "threshold", -20.0),
                    slot(c, 3, "knee", 6.0), slot(c, 4, "attack", 0.01), slot(c, 5, "release", 0.1),
                    sidechain);
}

}  // namespace

void add_signal_builtins(Builtins& t) {
  t.add("phasor", phasor_builtin, 1, 2, "(phasor freq [reset])");
  t.alias("stateful-phasor", "phasor");
  t.add("accum", accum_builtin, 1, 4, "(accum increment [reset lo hi])");
  t.add(
      "latch", [](Call& c) -> Datum { return latch(c.value(0), c.value(1)); }, 2, 2,
      "(latch value trigger)");
  t.add(
      "click", [](Call&) -> Datum { return click(); }, 0, 0, "(click)");
  t.add("noise", noise_builtin, 0, 1, "(noise [seed] [@size n] [@hop h])", {"seed", "size", "hop"});
  t.add(
      "ramp2trig", [](Call& c) -> Datum { return ramp2trig(c.value(0)); }, 1, 1,
      "(ramp2trig ramp)");
  t.add("seq", seq_builtin, 1, 2, "(seq values phase) or (seq values @trigger t)", {"trigger"});
  t.add("delay", delay_builtin, 2, 3, "(delay x frames [@max-delay n])", {"max-delay"});
  t.add("biquad", biquad_builtin, 1, 5,
        "(biquad x cutoff q gain mode) or (biquad x @cutoff f @q q @gain g @mode m)",
        {"cutoff", "q", "gain", "mode"});
  t.add("compressor", compressor_builtin, 1, 8,
        "(compressor x ratio threshold-db knee-db attack-s release-s [sidechain])",
        {"ratio", "threshold", "knee", "attack", "release", "sidechain"});
}

}  // namespace dgen::lisp

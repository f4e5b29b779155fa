// Stateful signal ops (SPEC §2.2) that are primitives: history cells, phasor, accum,
// noise, delay. (latch, click, biquad and compressor are built from these in
// ops/composites.cpp, so their gradients come from the primitives' rules.)
#include <cmath>
#include <cstdint>
#include <optional>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/cell_state.hpp"
#include "ops/delay_time.hpp"
#include "ops/emit_util.hpp"

namespace dgen {
namespace {

Rate frame_rate(const std::vector<Rate>&, const Attrs&) { return Rate::frame(); }

// History cells: attrs.ints[0] = hop. The cell's state is one value per element.
void register_history() {
  auto cell_rate = [](const std::vector<Rate>&, const Attrs& a) {
    return Rate::every(a.ints.at(0));
  };

  OpDef read;
  read.name = "history_read";
  read.stateful = true;
  read.stackable = true;
  read.rate = cell_rate;
  read.state = cell_state;
  read.init_state = cell_init;
  read.shape = [](const std::vector<Shape>&, const Attrs& a) {
    return Shape(a.ints.begin() + 1, a.ints.end());
  };
  read.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = c.state[0][e];
  };
  read.emit = [](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e", c.out("e") + " = " + c.state(0, "e") + ";");
  };
  // A read's adjoint flows, one frame earlier, into the input of the write it saw.
  read.adjoint = [](AdjointCtx& c) {
    if (c.has_grad()) c.add_to_cell(c.grad());
  };
  read.linear = Linear::CellRead;
  register_op(read);

  OpDef write = read;
  write.name = "history_write";
  write.min_inputs = write.max_inputs = 1;
  write.shape = [](const std::vector<Shape>& in, const Attrs&) { return in[0]; };
  write.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = c.state[0][e] = c.in[0][e];
  };
  write.emit = [](EmitCtx& c) {
    emit_loop(
        c, c.node.size(), "e",
        c.out("e") + " = " + c.in(0, "e") + "; " + c.state(0, "e") + " = " + c.out("e") + ";");
  };
  write.adjoint = [](AdjointCtx& c) {
    std::optional<Value> a = c.cell_next();
    if (c.has_grad()) a = a ? *a + c.grad() : c.grad();
    if (a) c.add(0, *a);
  };
  write.linear = Linear::CellWrite;
  register_op(write);
}

// The adjoint of phasor and accum (input 1 is the reset). out[t] is the state before the
// step, so the state's adjoint is lambda(t) = a_out(t) + live(t), where
// live(t) = reset[t] > 0 ? 0 : lambda(t + 1) is what flows on through the step (wraps
// contribute nothing); lambda(t + 1) comes from a backward history cell.
struct RampAdjoint {
  Value next, live;  // lambda(t + 1), live(t)
};
std::optional<RampAdjoint> ramp_adjoint(AdjointCtx& c) {
  if (!c.has_grad()) return std::nullopt;
  History lambda(c.node.shape);
  const Value next = lambda.read();
  const Value live = gswitch(c.in(1), 0.0, next);
  lambda.write(c.grad() + live);
  return RampAdjoint{next, live};
}

// phasor(f, reset) and accum(inc, reset, lo, hi): out = a; then a advances and wraps.
// The state is float64 so the phase stays accurate over 10^7 frames (SPEC §2.2). Both
// backends do the same double operations in the same order (fma where a product meets a
// sum, so -ffp-contract cannot fuse one backend's and not the other's; a reciprocal where
// -freciprocal-math would make one), so a step that lands exactly on a wrap wraps on both.
//
// The output is the state rounded to float32 storage, which can round a state just below
// hi up to hi itself; it is then lo, the nearest value on the circle [lo, hi) (a phasor's
// 0.99999999999999989 is 0, not 1), so a wrapped output is always in [lo, hi). (An accum
// state outside the range, its 0 before the first step or any with hi <= lo, is left
// alone.) & rather than &&: no branches, so a lane loop around it still vectorises.
double ramp_out(double a, double lo, double hi) {
  return lo < hi && a < hi && float(a) >= float(hi) ? lo : a;
}
std::string c_ramp_out(const std::string& a, const std::string& lo, const std::string& hi) {
  return "((" + lo + " < " + hi + ") & (" + a + " < (double)" + hi + ") & ((float)" + a +
         " >= (float)" + hi + ") ? (float)" + lo + " : (float)" + a + ")";
}
// A phase is in [0, 1] (exactly 1 only after a tiny negative step, see phasor_step), so
// one comparison does.
double phase_out(double p) { return float(p) < 1.0f ? p : 0.0; }
std::string c_phase_out(const std::string& p) {
  return "((float)" + p + " < 1.0f ? (float)" + p + " : 0.0f)";
}

// a + f / sr wrapped to [0, 1), or 0 on a reset. floor only runs on a wrap (it is the
// identity on [0, 1)), which keeps it off the recurrence's critical path. A tiny negative
// step can leave a - floor(a) one rounding short of 1 (-1e-20 + 1 is 1): phase_out shows
// that as 0, and the next step wraps it.
double phasor_step(double a, double f, double reset, double sr) {
  a = std::fma(f, 1.0 / sr, a);
  if (a >= 1.0 || a < 0.0) a -= std::floor(a);
  return reset > 0 ? 0.0 : a;
}
std::string c_phasor_step(const std::string& a, const std::string& f, const std::string& reset,
                          const std::string& sr) {
  return "{ double p_ = fma((double)" + f + ", 1.0 / " + sr + ", " + a +
         "); if (p_ >= 1.0 || p_ < 0.0) p_ -= floor(p_); " + a + " = " + reset +
         " > 0.0f ? 0.0 : p_; }";
}

// a + inc wrapped to [lo, hi) (unchanged when hi <= lo), or lo on a reset. floor of the
// quotient through a reciprocal can miss by one: the corrections put it back in range.
double accum_step(double a, double inc, double reset, double lo, double hi) {
  const double range = hi - lo;
  double d = a + inc - lo;
  if (range > 0) {
    d = std::fma(-range, std::floor(d * (1.0 / range)), d);
    if (d >= range) d -= range;
    if (d < 0) d += range;
  }
  return reset > 0 ? lo : lo + d;
}
std::string c_accum_step(const std::string& a, const std::string& inc, const std::string& reset,
                         const std::string& lo, const std::string& hi) {
  return "{ const double lo_ = " + lo + ", rg_ = (double)" + hi + " - lo_; double d_ = " + a +
         " + (double)" + inc +
         " - lo_; if (rg_ > 0.0) { d_ = fma(-rg_, floor(d_ * (1.0 / rg_)), d_);"
         " if (d_ >= rg_) d_ -= rg_; if (d_ < 0.0) d_ += rg_; } " +
         a + " = " + reset + " > 0.0f ? lo_ : lo_ + d_; }";
}

void register_ramps() {
  OpDef phasor;
  phasor.name = "phasor";
  phasor.min_inputs = phasor.max_inputs = 2;
  phasor.stateful = true;
  phasor.stackable = true;
  phasor.rate = frame_rate;
  phasor.shape = [](const std::vector<Shape>& in, const Attrs&) {
    return broadcast_shapes(in, "phasor");
  };
  phasor.state = [](const Node& n) { return std::vector<StateVar>{{"phase", n.size(), true}}; };
  phasor.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) {
      double& p = c.state[0][e];
      c.out[e] = phase_out(p);
      const double f = c.in[0][broadcast_index(c.node.shape, c.node.inputs[0]->shape, e)];
      const double r = c.in[1][broadcast_index(c.node.shape, c.node.inputs[1]->shape, e)];
      p = phasor_step(p, f, r, c.sr);
    }
  };
  phasor.emit = [](EmitCtx& c) {
    const std::string p = c.state(0, "e");
    const std::string f = c.in(0, broadcast_index_expr(c.node.shape, c.node.inputs[0]->shape, "e"));
    const std::string r = c.in(1, broadcast_index_expr(c.node.shape, c.node.inputs[1]->shape, "e"));
    emit_loop(c, c.node.size(), "e",
              c.out("e") + " = " + c_phase_out(p) + "; " + c_phasor_step(p, f, r, c.sr));
  };
  phasor.adjoint = [](AdjointCtx& c) {
    if (!c.needs(0)) return;
    if (auto r = ramp_adjoint(c)) c.add(0, r->live / samplerate());
  };
  phasor.linear = Linear::Ramp;
  register_op(phasor);

  OpDef accum;
  accum.name = "accum";
  accum.min_inputs = accum.max_inputs = 4;
  accum.stateful = true;
  accum.stackable = true;
  accum.rate = frame_rate;
  accum.shape = [](const std::vector<Shape>& in, const Attrs&) {
    return broadcast_shapes(in, "accum");
  };
  accum.state = [](const Node& n) { return std::vector<StateVar>{{"value", n.size(), true}}; };
  accum.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) {
      double x[4];
      for (int i = 0; i < 4; ++i)
        x[i] = c.in[i][broadcast_index(c.node.shape, c.node.inputs[i]->shape, e)];
      double& a = c.state[0][e];
      c.out[e] = ramp_out(a, x[2], x[3]);
      a = accum_step(a, x[0], x[1], x[2], x[3]);
    }
  };
  accum.emit = [](EmitCtx& c) {
    std::string x[4];
    for (int i = 0; i < 4; ++i)
      x[i] = c.in(i, broadcast_index_expr(c.node.shape, c.node.inputs[i]->shape, "e"));
    const std::string a = c.state(0, "e");
    emit_loop(c, c.node.size(), "e",
              c.out("e") + " = " + c_ramp_out(a, x[2], x[3]) + "; " +
                  c_accum_step(a, x[0], x[1], x[2], x[3]));
  };
  // The next state is lo on a reset, else a + inc - k (hi - lo) with k the number of
  // wraps, so lo gets k (1 on a reset) and hi gets -k (0 on a reset) of lambda(t + 1).
  accum.adjoint = [](AdjointCtx& c) {
    if (!c.needs(0) && !c.needs(2) && !c.needs(3)) return;
    const auto r = ramp_adjoint(c);
    if (!r) return;
    c.add(0, r->live);
    if (!c.needs(2) && !c.needs(3)) return;
    const Value range = c.in(3) - c.in(2);
    const Value wraps = gswitch(gt(range, 0.0), floor((c.out() + c.in(0) - c.in(2)) / range), 0.0);
    if (c.needs(2)) c.add(2, r->next * gswitch(c.in(1), 1.0, wraps));
    if (c.needs(3)) c.add(3, -(r->next * gswitch(c.in(1), 0.0, wraps)));
  };
  register_op(accum);
}

// noise(): attrs.ints = {seed[, n]}. xorshift32 per element, uniform in [-1, 1); a
// scalar, or [n] independent streams. The seed is mixed with the instance number (so two
// noise nodes of one patch differ) and the element.
void register_noise() {
  OpDef noise;
  noise.name = "noise";
  noise.stateful = true;
  noise.zero_derivative = true;
  noise.rate = frame_rate;
  noise.shape = [](const std::vector<Shape>&, const Attrs& a) {
    if (a.ints.empty() || a.ints.size() > 2) throw Error("noise: expected a seed and a size");
    if (a.ints.size() == 1) return Shape{};
    if (a.ints[1] < 1) throw Error("noise: size must be >= 1, got " + std::to_string(a.ints[1]));
    return Shape{a.ints[1]};
  };
  noise.state = [](const Node& n) { return std::vector<StateVar>{{"s", n.size(), true}}; };
  noise.init_state = [](const Node& n, int64_t instance, std::span<double* const> s) {
    for (int64_t e = 0; e < n.size(); ++e) {
      const uint32_t x = static_cast<uint32_t>(n.attrs.ints[0]) * 2654435761u ^
                         static_cast<uint32_t>(instance + 1) * 40503u ^
                         static_cast<uint32_t>(e) * 2246822519u;
      s[0][e] = x == 0 ? 1.0 : double(x);
    }
  };
  noise.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) {
      uint32_t s = static_cast<uint32_t>(c.state[0][e]);
      if (s == 0) s = 1;
      s ^= s << 13;
      s ^= s >> 17;
      s ^= s << 5;
      c.state[0][e] = s;
      c.out[e] = 2.0 * s / 4294967296.0 - 1.0;
    }
  };
  noise.emit = [](EmitCtx& c) {
    const std::string st = c.state(0, "e");
    emit_loop(c, c.node.size(), "e",
              "uint32_t s_ = (uint32_t)" + st +
                  "; if (s_ == 0u) s_ = 1u; s_ ^= s_ << 13; s_ ^= s_ >> 17; s_ ^= s_ << 5; " + st +
                  " = (double)s_; " + c.out("e") +
                  " = (float)(2.0 * (double)s_ / 4294967296.0 - 1.0);");
  };
  register_op(noise);
}

// delay(x, d): attrs.ints[0] = max. A ring of max + 1 samples per element plus a write
// position; linear interpolation between the two samples around t - d.
void register_delay() {
  OpDef delay;
  delay.name = "delay";
  delay.min_inputs = delay.max_inputs = 2;
  delay.stateful = true;
  delay.rate = frame_rate;
  delay.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (a.ints.size() != 1 || a.ints[0] < 1) throw Error("delay: max must be >= 1");
    return broadcast_shapes(in, "delay");
  };
  delay.state = [](const Node& n) {
    return std::vector<StateVar>{{"ring", n.size() * (n.attrs.ints[0] + 1), false},
                                 {"pos", 1, true}};
  };
  delay.eval = [](EvalCtx& c) {
    const int64_t max = c.node.attrs.ints[0], m = max + 1;
    const int64_t w = static_cast<int64_t>(c.state[1][0]);
    for (int64_t e = 0; e < c.node.size(); ++e) {
      double* ring = c.state[0] + e * m;
      ring[w] = c.in[0][broadcast_index(c.node.shape, c.node.inputs[0]->shape, e)];
      const DelaySplit s =
          split_delay_time(c.in[1][broadcast_index(c.node.shape, c.node.inputs[1]->shape, e)], max);
      const double a = ring[((w - s.di) % m + m) % m], b = ring[((w - s.di - 1) % m + m) % m];
      c.out[e] = a + s.frac * (b - a);
    }
    c.state[1][0] = double((w + 1) % m);
  };
  delay.emit = [](EmitCtx& c) {
    const int64_t max = c.node.attrs.ints[0], m = max + 1;
    const std::string pos = c.state(1, "0");
    const std::string x = c.in(0, broadcast_index_expr(c.node.shape, c.node.inputs[0]->shape, "e"));
    const std::string d = c.in(1, broadcast_index_expr(c.node.shape, c.node.inputs[1]->shape, "e"));
    c.line("{ const int64_t w_ = (int64_t)" + pos + ";");
    emit_loop(c, c.node.size(), "e",
              c.state(0, "e * " + str(m) + " + w_") + " = " + x + "; " +
                  c_split_delay_time(d, max) +
                  " (void)in_; int64_t ia_ = w_ - di_; if (ia_ < 0) ia_ += " + str(m) +
                  "; int64_t ib_ = ia_ - 1; if (ib_ < 0) ib_ += " + str(m) +
                  "; const float a_ = " + c.state(0, "e * " + str(m) + " + ia_") +
                  ", b_ = " + c.state(0, "e * " + str(m) + " + ib_") + "; " + c.out("e") +
                  " = a_ + fr_ * (b_ - a_);");
    c.line(pos + " = (double)(w_ + 1 == " + str(m) + " ? 0 : w_ + 1); }");
  };
  // x's adjoint is scattered back in reverse time (delay_adjoint); d's is the output
  // adjoint times the interpolation's slope, a forward value read from the tape.
  delay.adjoint = [](AdjointCtx& c) {
    if (!c.has_grad()) return;
    const Attrs max{{c.node.attrs.ints[0]}, {}};
    if (c.needs(0)) c.add(0, make("delay_adjoint", {c.grad(), c.in(1)}, max));
    if (c.needs(1))
      c.add(1, c.grad() * c.forward(make("delay_slope", {c.forward_in(0), c.forward_in(1)}, max)));
  };
  register_op(delay);
}

}  // namespace

void register_state_ops() {
  register_history();
  register_cell_access_ops();
  register_ramps();
  register_noise();
  register_delay();
}

}  // namespace dgen

// The spectral multiply-accumulate of uniformly partitioned convolution (docs/LANGUAGE.md,
// partitioned-convolve): the op whose cost decides whether a long impulse response runs in
// real time, so its loop nest is written out here rather than composed from tensor ops
// (which would make K-row temporaries every hop).
//
// partitioned_spectral_mac(x_re, x_im, ir_re, ir_im): x_* [B] is this hop's spectrum
// (any B bins), ir_* [K, B] the partitions' spectra. The node keeps a ring of the last K
// input spectra; each evaluation stores x in the ring and gives, stacked as [2, B],
//   Y = Σ_k ring[now - k] · IR[k]        (complex products, bin by bin)
// where ring[now - k] is the spectrum of k evaluations ago (zeros before the first).
#include <string>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/emit_util.hpp"
#include "ops/spectral_ops.hpp"
#include "ops/spectrum_util.hpp"

namespace dgen {
namespace {

struct MacShape {
  int64_t k = 1, bins = 1;
};
MacShape mac_shape(const Node& n) { return {n.inputs[2]->shape[0], n.inputs[2]->shape[1]}; }

// Both ops keep a ring of K spectra of B bins (re then im) and the slot the current
// evaluation writes: the ring's state, storing this evaluation's spectrum (inputs 0 and 1)
// and moving on.
std::vector<StateVar> ring_state(int64_t k, int64_t bins) {
  return {{"ring", 2 * k * bins, false}, {"slot", 1, true}};
}
int64_t store_in_ring(EvalCtx& c, int64_t k, int64_t bins) {
  const auto now = static_cast<int64_t>(c.state[1][0]);
  for (int64_t b = 0; b < bins; ++b) {
    c.state[0][now * bins + b] = c.in[0][b];
    c.state[0][k * bins + now * bins + b] = c.in[1][b];
  }
  c.state[1][0] = double((now + 1) % k);
  return now;
}
// C and CUDA: declares now_ and stores the spectrum; the caller closes with emit_close_ring.
// With the lanes innermost (EmitCtx::lanes) now_ is lane 0's slot: every lane's ring turns
// in step (they are reset and evaluated together), and one slot for all lets the loops
// over the ring walk a slot's L floats contiguously.
void emit_store_in_ring(EmitCtx& c, int64_t k, int64_t bins) {
  const std::string b = str(bins), im = str(k * bins);
  c.line(c.lanes ? "{ int64_t now_; { const int l = 0; now_ = (int64_t)" + c.state(1, "0") + "; }"
                 : "{ const int64_t now_ = (int64_t)" + c.state(1, "0") + ";");
  c.line("for (int64_t b_ = 0; b_ < " + b + "; ++b_) { " +
         lane_loop(c, c.state(0, "now_ * " + b + " + b_") + " = " + c.in(0, "b_") + "; " +
                          c.state(0, im + " + now_ * " + b + " + b_") + " = " + c.in(1, "b_") +
                          ";") +
         " }");
}
void emit_close_ring(EmitCtx& c, int64_t k) {
  c.line(lane_loop(c, c.state(1, "0") + " = (double)(now_ + 1 == " + str(k) + " ? 0 : now_ + 1);") +
         " }");
}

void register_partitioned_spectral_mac() {
  OpDef op;
  op.name = "partitioned_spectral_mac";
  op.min_inputs = op.max_inputs = 4;
  op.stateful = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    if (in[0].size() != 1 || in[1] != in[0])
      throw Error("partitioned_spectral_mac: the spectrum must be two [B] parts, got " +
                  to_string(in[0]) + " and " + to_string(in[1]));
    if (in[2].size() != 2 || in[3] != in[2] || in[2][1] != in[0][0])
      throw Error("partitioned_spectral_mac: the partitions must be two [K, B] parts with B = " +
                  std::to_string(in[0][0]) + ", got " + to_string(in[2]) + " and " +
                  to_string(in[3]));
    return Shape{2, in[0][0]};
  };
  // The ring of K spectra (re then im) and the slot this evaluation writes.
  op.state = [](const Node& n) {
    const MacShape s = mac_shape(n);
    return ring_state(s.k, s.bins);
  };
  op.eval = [](EvalCtx& c) {
    const MacShape s = mac_shape(c.node);
    const double *ring = c.state[0], *im_ring = ring + s.k * s.bins;
    const int64_t now = store_in_ring(c, s.k, s.bins);
    for (int64_t b = 0; b < s.bins; ++b) c.out[b] = c.out[s.bins + b] = 0;
    for (int64_t k = 0; k < s.k; ++k) {
      const int64_t slot = (now - k + s.k) % s.k;
      for (int64_t b = 0; b < s.bins; ++b) {
        const double xr = ring[slot * s.bins + b], xi = im_ring[slot * s.bins + b];
        const double hr = c.in[2][k * s.bins + b], hi = c.in[3][k * s.bins + b];
        c.out[b] += xr * hr - xi * hi;
        c.out[s.bins + b] += xr * hi + xi * hr;
      }
    }
  };
  // Partition by partition (k = 0 first), summing in float into the output, with the lanes
  // innermost (OpDef::lane_loops): the loops walk a ring slot's bins and lanes
  // contiguously (a lane loop around the whole op read one float every L), and a
  // convolution of a signal every lane shares runs once, in lane 0 (lower/lowering.hpp,
  // find_shared) — a reverb's 827 partitions in every candidate of a search took 22 s a
  // run of 64 lanes.
  op.lane_loops = true;
  op.emit = [](EmitCtx& c) {
    const MacShape s = mac_shape(c.node);
    const std::string bins = str(s.bins), kk = str(s.k), im = str(s.k * s.bins);
    emit_store_in_ring(c, s.k, s.bins);
    c.line("for (int64_t b_ = 0; b_ < " + bins + "; ++b_) { " +
           lane_loop(c, c.out("b_") + " = 0.0f; " + c.out(bins + " + b_") + " = 0.0f;") + " }");
    c.line("for (int64_t k_ = 0; k_ < " + kk + "; ++k_) {");
    c.line("  int64_t s_ = now_ - k_; if (s_ < 0) s_ += " + kk + ";");
    c.line("  _Pragma(\"GCC ivdep\") for (int64_t b_ = 0; b_ < " + bins + "; ++b_) {");
    c.line("    " + lane_loop(c, "const float xr_ = " + c.state(0, "s_ * " + bins + " + b_") +
                                     ", xi_ = " + c.state(0, im + " + s_ * " + bins + " + b_") +
                                     "; const float hr_ = " + c.in(2, "k_ * " + bins + " + b_") +
                                     ", hi_ = " + c.in(3, "k_ * " + bins + " + b_") + "; " +
                                     c.out("b_") + " += xr_ * hr_ - xi_ * hi_; " +
                                     c.out(bins + " + b_") + " += xr_ * hi_ + xi_ * hr_;"));
    c.line("  }");
    c.line("}");
    emit_close_ring(c, s.k);
  };
  // Y_t = Σ_k X_{t-k} H_k, so the adjoint of X_t is Σ_k G_{t+k} conj(H_k): the same MAC
  // with conjugated partitions, run by the backward program, whose evaluations go back in
  // time, so that "k evaluations ago" there is k hops later here. The adjoint of H_k is
  // Σ_t conj(X_{t-k}) G_t: partitioned_ir_adjoint.
  op.adjoint = [](AdjointCtx& c) {
    if (!c.has_grad()) return;
    const Value g = c.grad(), g_re = complex_part(g, 0), g_im = complex_part(g, 1);
    if (c.needs(0) || c.needs(1)) {
      const Value back = make("partitioned_spectral_mac", {g_re, g_im, c.in(2), -c.in(3)});
      for (int k = 0; k < 2; ++k)
        if (c.needs(k)) c.add(k, complex_part(back, k));
    }
    if (c.needs(2) || c.needs(3)) {
      const Value dh = make("partitioned_ir_adjoint", {g_re, g_im, c.in(0), c.in(1)},
                            {{c.node.inputs[2]->shape[0]}, {}});
      for (int k = 0; k < 2; ++k)
        if (c.needs(2 + k)) c.add(2 + k, complex_part(dh, k));
    }
  };
  register_op(std::move(op));
}

// partitioned_ir_adjoint(g_re, g_im, x_re, x_im): attrs.ints = {K}. The backward program's
// part of the partitions' adjoint: it keeps a ring of the last K gradient spectra G (which,
// evaluated backwards in time, are this hop's and the K - 1 later ones) and gives, stacked
// as [2, K, B], conj(X_s) · G_{s+k} for every k; summed over the run (the partitions are
// static) that is Σ_t conj(X_{t-k}) G_t.
void register_partitioned_ir_adjoint() {
  OpDef op;
  op.name = "partitioned_ir_adjoint";
  op.min_inputs = op.max_inputs = 4;
  op.stateful = true;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (a.ints.size() != 1 || a.ints[0] < 1 || in[0].size() != 1)
      throw Error("partitioned_ir_adjoint: expected {K} and [B] spectra");
    return Shape{2, a.ints[0], in[0][0]};
  };
  op.state = [](const Node& n) { return ring_state(n.attrs.ints[0], n.shape[2]); };
  // The lanes innermost, as partitioned_spectral_mac's.
  op.lane_loops = true;
  op.eval = [](EvalCtx& c) {
    const int64_t k = c.node.attrs.ints[0], bins = c.node.shape[2];
    const int64_t now = store_in_ring(c, k, bins);
    const double *ring = c.state[0], *im_ring = ring + k * bins;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t slot = (now - j + k) % k;
      for (int64_t b = 0; b < bins; ++b) {
        const double gr = ring[slot * bins + b], gi = im_ring[slot * bins + b];
        const double xr = c.in[2][b], xi = c.in[3][b];
        c.out[j * bins + b] = xr * gr + xi * gi;
        c.out[k * bins + j * bins + b] = xr * gi - xi * gr;
      }
    }
  };
  op.emit = [](EmitCtx& c) {
    const int64_t k = c.node.attrs.ints[0], bins = c.node.shape[2];
    const std::string b = str(bins), kk = str(k), im = str(k * bins);
    emit_store_in_ring(c, k, bins);
    c.line("for (int64_t k_ = 0; k_ < " + kk + "; ++k_) {");
    c.line("  int64_t s_ = now_ - k_; if (s_ < 0) s_ += " + kk + ";");
    c.line("  for (int64_t b_ = 0; b_ < " + b + "; ++b_) {");
    c.line("    " +
           lane_loop(c, "const float gr_ = " + c.state(0, "s_ * " + b + " + b_") +
                            ", gi_ = " + c.state(0, im + " + s_ * " + b + " + b_") +
                            "; const float xr_ = " + c.in(2, "b_") + ", xi_ = " + c.in(3, "b_") +
                            "; " + c.out("k_ * " + b + " + b_") + " = xr_ * gr_ + xi_ * gi_; " +
                            c.out(im + " + k_ * " + b + " + b_") + " = xr_ * gi_ - xi_ * gr_;"));
    c.line("  }");
    c.line("}");
    emit_close_ring(c, k);
  };
  register_op(std::move(op));
}

}  // namespace

void register_partitioned_ops() {
  register_partitioned_spectral_mac();
  register_partitioned_ir_adjoint();
}

}  // namespace dgen

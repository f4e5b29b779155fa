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
    return std::vector<StateVar>{{"ring", 2 * s.k * s.bins, false}, {"slot", 1, true}};
  };
  op.eval = [](EvalCtx& c) {
    const MacShape s = mac_shape(c.node);
    double *ring = c.state[0], *im_ring = ring + s.k * s.bins;
    const auto now = static_cast<int64_t>(c.state[1][0]);
    for (int64_t b = 0; b < s.bins; ++b) {
      ring[now * s.bins + b] = c.in[0][b];
      im_ring[now * s.bins + b] = c.in[1][b];
      c.out[b] = c.out[s.bins + b] = 0;
    }
    for (int64_t k = 0; k < s.k; ++k) {
      const int64_t slot = (now - k + s.k) % s.k;
      for (int64_t b = 0; b < s.bins; ++b) {
        const double xr = ring[slot * s.bins + b], xi = im_ring[slot * s.bins + b];
        const double hr = c.in[2][k * s.bins + b], hi = c.in[3][k * s.bins + b];
        c.out[b] += xr * hr - xi * hi;
        c.out[s.bins + b] += xr * hi + xi * hr;
      }
    }
    c.state[1][0] = double((now + 1) % s.k);
  };
  // Sums in float in a stack array, partition by partition: the inner loop over bins walks
  // the ring and the partitions contiguously and vectorises.
  op.emit = [](EmitCtx& c) {
    const MacShape s = mac_shape(c.node);
    const std::string bins = str(s.bins), kk = str(s.k), im = str(s.k * s.bins);
    c.line("{ const int64_t now_ = (int64_t)" + c.state(1, "0") + ";");
    c.line("float ar_[" + bins + "], ai_[" + bins + "];");
    c.line("for (int64_t b_ = 0; b_ < " + bins + "; ++b_) { " +
           c.state(0, "now_ * " + bins + " + b_") + " = " + c.in(0, "b_") + "; " +
           c.state(0, im + " + now_ * " + bins + " + b_") + " = " + c.in(1, "b_") +
           "; ar_[b_] = 0.0f; ai_[b_] = 0.0f; }");
    c.line("for (int64_t k_ = 0; k_ < " + kk + "; ++k_) {");
    c.line("  int64_t s_ = now_ - k_; if (s_ < 0) s_ += " + kk + ";");
    c.line("  _Pragma(\"GCC ivdep\") for (int64_t b_ = 0; b_ < " + bins + "; ++b_) {");
    c.line("    const float xr_ = " + c.state(0, "s_ * " + bins + " + b_") +
           ", xi_ = " + c.state(0, im + " + s_ * " + bins + " + b_") + ";");
    c.line("    const float hr_ = " + c.in(2, "k_ * " + bins + " + b_") +
           ", hi_ = " + c.in(3, "k_ * " + bins + " + b_") + ";");
    c.line("    ar_[b_] += xr_ * hr_ - xi_ * hi_; ai_[b_] += xr_ * hi_ + xi_ * hr_;");
    c.line("  }");
    c.line("}");
    c.line("for (int64_t b_ = 0; b_ < " + bins + "; ++b_) { " + c.out("b_") + " = ar_[b_]; " +
           c.out(bins + " + b_") + " = ai_[b_]; }");
    c.line(c.state(1, "0") + " = (double)(now_ + 1 == " + kk + " ? 0 : now_ + 1); }");
  };
  // Y_t = Σ_k X_{t-k} H_k, so the adjoint of X_t is Σ_k G_{t+k} conj(H_k): the same MAC
  // with conjugated partitions, run by the backward program, whose evaluations go back in
  // time, so that "k evaluations ago" there is k hops later here. The partitions' own
  // gradient (a correlation of the gradients with every past input spectrum) is not
  // built: asking for it is an error.
  op.adjoint = [](AdjointCtx& c) {
    if (!c.has_grad()) return;
    if (c.needs(2) || c.needs(3))
      throw Error(
          "partitioned_spectral_mac: no gradient to the impulse response's partitions "
          "(only to the input signal)");
    const Value g = c.grad();
    const Value back = make("partitioned_spectral_mac",
                            {complex_part(g, 0), complex_part(g, 1), c.in(2), -c.in(3)});
    for (int k = 0; k < 2; ++k)
      if (c.needs(k)) c.add(k, complex_part(back, k));
  };
  register_op(std::move(op));
}

}  // namespace

void register_partitioned_ops() { register_partitioned_spectral_mac(); }

}  // namespace dgen

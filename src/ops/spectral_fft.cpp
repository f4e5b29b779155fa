// Spectra (SPEC §2.3): one complex radix-2 FFT primitive serves fft and ifft (the API
// slices its stacked result with shrink and reshape).
//
// fft_complex(re, im): attrs.ints = {inverse}. re and im broadcast to [..., N], N a power of
// two; the result [2, ..., N] holds the real parts, then the imaginary parts, of
//   forward: X_k = Σ_n x_n e^{-2πikn/N}            (unnormalised)
//   inverse: x_n = (1/N) Σ_k X_k e^{+2πikn/N}
// The result is also the transform's scratch: the input is copied into it in bit-reversed
// order and the butterflies run in place; generated code needs no other memory but a
// stack table of one stage's twiddles (C), or the CTA's shared memory (a GPU's windows).
// No static tables: the reference computes every twiddle with cos/sin; generated code
// calls cos/sin once per stage and rotates the twiddle in double precision (a drift of
// ~1e-13 after N/2 steps, far below float32), as trig calls would otherwise dominate.
#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/emit_util.hpp"
#include "ops/spectral_ops.hpp"
#include "ops/spectrum_util.hpp"

namespace dgen {
namespace {

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// The stages (butterfly distance h) whose twiddles generated code keeps in a stack table
// (at most 2 x 16 KB).
constexpr int64_t kTableFrom = 16, kTwiddleTable = 4096;

// A GPU CTA transforms a window of up to this many points in its shared memory (2 x 4096
// floats, 32 KB a lane); longer ones in their output rows in global memory.
constexpr int64_t kSharedFftPoints = 4096;

// The transform's geometry: `rows` transforms of length n, `half` = rows * n values per part.
struct FftShape {
  Shape batch;  // the broadcast input shape [..., N]
  int64_t n = 1, rows = 1, half = 1;
};

FftShape fft_shape(const Node& node) {
  FftShape s;
  s.batch = Shape(node.shape.begin() + 1, node.shape.end());
  s.n = s.batch.back();
  s.half = numel(s.batch);
  s.rows = s.half / s.n;
  return s;
}

double sign_of(const Node& node) { return node.attrs.ints[0] ? 1.0 : -1.0; }

// Device code: k_ with its log2(n) bits reversed (CUDA's __brev), for a cooperative copy.
std::string reversed_index(int64_t n) {
  const int bits = std::countr_zero(uint64_t(n));
  return bits == 0 ? "0" : "(int64_t)(__brev((unsigned)k_) >> " + str(32 - bits) + ")";
}

// Element o_ + k_ of the transform's input k (re 0, im 1), broadcast to the batch.
std::string fft_input(EmitCtx& c, const FftShape& s, int k) {
  return c.in(k, broadcast_index_expr(s.batch, c.node.inputs[k]->shape, "o_ + k_"));
}

// The cooperative transform in shared memory: the lane's re and im parts at fr_ and fi_
// (its slice of kCtaShared), bit-reversed in, stages in place, out to the node's rows,
// scaled where inverse. The stages go two at a time (radix 4: distances h_ and 2h_ on the
// four points p_ + {0, 1, 2, 3}·h_ of a group, one barrier and one pass over shared
// memory for both); an odd count starts with the stage of distance 1, whose twiddles are
// all 1. A group's twiddles take two sincospif (k / h and k / 2h are exact in float): w1
// of the first stage, w2 of the second, and w3 = w2 · e^{±iπ/2}; once a stage pair where
// all of a thread's groups share k_. (w1 as w2² costs a call less but its rounding, fed
// back through a recurrence's gradient, moved the membrane example's off C 16-fold.)
// Indices are 32-bit (a slice holds at most 2 x 4096 floats).
void emit_shared_fft(EmitCtx& c, const FftShape& s, const std::function<void(std::string)>& line) {
  const std::string n = str(s.n), half = str(s.half);
  const std::string scale = c.node.attrs.ints[0] ? " * " + c_float(1.0 / double(s.n)) : "";
  const double sign = sign_of(c.node);
  const bool odd = std::countr_zero(uint64_t(s.n)) % 2 == 1;
  line("for (int64_t o_ = 0; o_ < " + half + "; o_ += " + n + ") {");
  line(std::string("  float *const fr_ = ") + kCtaShared + " + " + kTileLane + " * " +
       kSharedStride + ", *const fi_ = fr_ + " + n + ";");
  // The slice may still be read by the copy-out of the CTA's previous transform.
  line(std::string("  ") + kBarrier);
  line("  " + spread_for("k_", "0", n) + " { const int64_t j_ = " + reversed_index(s.n) +
       "; fr_[j_] = " + fft_input(c, s, 0) + "; fi_[j_] = " + fft_input(c, s, 1) + "; }");
  line(std::string("  ") + kBarrier);
  if (odd) {
    line("  " + spread_for("b_", "0", str(s.n / 2)) +
         " { const int p_ = 2 * (int)b_; const float xr_ = fr_[p_ + 1], xi_ = fi_[p_ + 1]; "
         "fr_[p_ + 1] = fr_[p_] - xr_; fi_[p_ + 1] = fi_[p_] - xi_; fr_[p_] += xr_; fi_[p_] += "
         "xi_; }");
    line(std::string("  ") + kBarrier);
  }
  const std::string twiddle = "sincospif(" + c_float(sign) + " * (float)";
  line(std::string("  for (int h_ = ") + (odd ? "2" : "1") + "; h_ < " + n + "; h_ <<= 2) {");
  // Where the thread's groups are a multiple of h_ apart (h_ divides the threads a lane
  // has), they share k_ and so their twiddles, computed once for the stage pair.
  line("    const bool shared_k_ = (" + std::string(kThreadStride) + " & (h_ - 1)) == 0;");
  line("    float s0_ = 0.0f, c0_ = 1.0f, s10_ = 0.0f, c10_ = 1.0f;");
  line("    if (shared_k_) { " + twiddle + "((int)" + kThreadFirst +
       " & (h_ - 1)) / (float)(2 * h_), &s0_, &c0_); " + twiddle + "((int)" + kThreadFirst +
       " & (h_ - 1)) / (float)h_, &s10_, &c10_); }");
  line("    " + spread_for("b_", "0", str(s.n / 4)) + " {");
  line("      const int k_ = (int)b_ & (h_ - 1), p_ = (((int)b_ - k_) << 2) + k_;");
  line("      float s2_ = s0_, c2_ = c0_, s1_ = s10_, c1_ = c10_;");
  line("      if (!shared_k_) { " + twiddle + "k_ / (float)(2 * h_), &s2_, &c2_); " + twiddle +
       "k_ / (float)h_, &s1_, &c1_); }");
  line("      const float c3_ = " + c_float(-sign) + " * s2_, s3_ = " + c_float(sign) + " * c2_;");
  line(
      "      const float ar_ = fr_[p_], ai_ = fi_[p_], br_ = fr_[p_ + h_], bi_ = fi_[p_ + h_], "
      "cr_ = fr_[p_ + 2 * h_], ci_ = fi_[p_ + 2 * h_], dr_ = fr_[p_ + 3 * h_], di_ = fi_[p_ + "
      "3 * h_];");
  // The first stage: (a, b) and (c, d), both with w1.
  line(
      "      const float tr_ = br_ * c1_ - bi_ * s1_, ti_ = br_ * s1_ + bi_ * c1_, ur_ = dr_ * "
      "c1_ - di_ * s1_, ui_ = dr_ * s1_ + di_ * c1_;");
  line(
      "      const float ar1_ = ar_ + tr_, ai1_ = ai_ + ti_, br1_ = ar_ - tr_, bi1_ = ai_ - ti_, "
      "cr1_ = cr_ + ur_, ci1_ = ci_ + ui_, dr1_ = cr_ - ur_, di1_ = ci_ - ui_;");
  // The second: (a, c) with w2, (b, d) with w3.
  line(
      "      const float vr_ = cr1_ * c2_ - ci1_ * s2_, vi_ = cr1_ * s2_ + ci1_ * c2_, zr_ = "
      "dr1_ * c3_ - di1_ * s3_, zi_ = dr1_ * s3_ + di1_ * c3_;");
  line(
      "      fr_[p_] = ar1_ + vr_; fi_[p_] = ai1_ + vi_; fr_[p_ + 2 * h_] = ar1_ - vr_; "
      "fi_[p_ + 2 * h_] = ai1_ - vi_;");
  line(
      "      fr_[p_ + h_] = br1_ + zr_; fi_[p_ + h_] = bi1_ + zi_; fr_[p_ + 3 * h_] = br1_ - "
      "zr_; fi_[p_ + 3 * h_] = bi1_ - zi_;");
  line("    }");
  line(std::string("    ") + kBarrier);
  line("  }");
  line("  " + spread_for("k_", "0", n) + " { " + c.out("o_ + k_") + " = fr_[k_]" + scale + "; " +
       c.out(half + " + o_ + k_") + " = fi_[k_]" + scale + "; }");
  line("}");
}

void register_fft_complex() {
  OpDef op;
  op.name = "fft_complex";
  op.reads_elements_once = true;
  op.min_inputs = op.max_inputs = 2;
  op.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    if (a.ints.size() != 1) throw Error("fft: expected attribute {inverse}");
    const Shape s = broadcast_shapes(in, "fft");
    if (s.empty()) throw Error("fft: expects a tensor of shape [..., N], got a scalar");
    if (!is_power_of_two(s.back()))
      throw Error("fft: the last axis must be a power of two, got shape " + to_string(s));
    Shape out{2};
    out.insert(out.end(), s.begin(), s.end());
    return out;
  };
  op.eval = [](EvalCtx& c) {
    const FftShape s = fft_shape(c.node);
    const double sign = sign_of(c.node);
    double *re = c.out, *im = c.out + s.half;
    for (int64_t r = 0; r < s.rows; ++r) {
      const int64_t o = r * s.n;
      for (int64_t k = 0, j = 0; k < s.n; ++k) {
        re[o + j] = c.in[0][broadcast_index(s.batch, c.node.inputs[0]->shape, o + k)];
        im[o + j] = c.in[1][broadcast_index(s.batch, c.node.inputs[1]->shape, o + k)];
        int64_t bit = s.n >> 1;  // j <- j + 1 with its bits reversed
        for (; j & bit; bit >>= 1) j ^= bit;
        j |= bit;
      }
      for (int64_t h = 1; h < s.n; h <<= 1)
        for (int64_t k = 0; k < h; ++k) {
          const double angle = sign * std::numbers::pi * double(k) / double(h);
          const double wr = std::cos(angle), wi = std::sin(angle);
          for (int64_t p = o + k; p < o + s.n; p += 2 * h) {
            const int64_t q = p + h;
            const double xr = re[q] * wr - im[q] * wi, xi = re[q] * wi + im[q] * wr;
            re[q] = re[p] - xr;
            im[q] = im[p] - xi;
            re[p] += xr;
            im[p] += xi;
          }
        }
      if (c.node.attrs.ints[0])
        for (int64_t k = o; k < o + s.n; ++k) {
          re[k] /= double(s.n);
          im[k] /= double(s.n);
        }
    }
  };
  op.lane_loops = true;
  op.cta_shared = [](const Node& node) {
    const int64_t n = fft_shape(node).n;
    return n <= kSharedFftPoints ? 2 * n : 0;
  };
  op.emit = [](EmitCtx& c) {
    const FftShape s = fft_shape(c.node);
    const std::string n = str(s.n), half = str(s.half);
    auto re = [&](const std::string& i) { return c.out(i); };
    auto im = [&](const std::string& i) { return c.out(half + " + " + i); };
    auto input = [&](int k) { return fft_input(c, s, k); };
    const std::string butterfly =
        lane_loop(c, "const float xr_ = " + re("q_") + " * wr_ - " + im("q_") +
                         " * wi_, xi_ = " + re("q_") + " * wi_ + " + im("q_") + " * wr_; " +
                         re("q_") + " = " + re("p_") + " - xr_; " + im("q_") + " = " + im("p_") +
                         " - xi_; " + re("p_") + " += xr_; " + im("p_") + " += xi_;");
    if (c.cooperative) {
      // A CTA's threads share the transform: each takes every kThreadStride-th element of
      // the bit-reversed copy and butterfly of a stage, a barrier between the stages; a
      // thread computes its butterfly's twiddle itself (no recurrence to share). Up to
      // kSharedFftPoints, the stages run on the lane's slice of the CTA's shared memory
      // (OpDef::cta_shared), the result then copied out: the stages' loads and stores
      // stay on the SM instead of going to L2 and back eleven times for 2048 points.
      auto line = [&](const std::string& text) {
        c.line(text);
        ++c.spread;
      };
      if (s.n <= kSharedFftPoints) {
        emit_shared_fft(c, s, line);
        return;
      }
      line("for (int64_t o_ = 0; o_ < " + half + "; o_ += " + n + ") {");
      line("  " + spread_for("k_", "0", n) + " { const int64_t j_ = " + reversed_index(s.n) + "; " +
           re("o_ + j_") + " = " + input(0) + "; " + im("o_ + j_") + " = " + input(1) + "; }");
      line(std::string("  ") + kBarrier);
      line("  for (int64_t h_ = 1; h_ < " + n + "; h_ <<= 1) {");
      line("    " + spread_for("b_", "0", str(s.n / 2)) + " {");
      line(
          "      const int64_t k_ = b_ & (h_ - 1), p_ = o_ + ((b_ - k_) << 1) + k_, q_ = p_ + h_;");
      line("      double ws_, wc_; sincospi(" + c_literal(sign_of(c.node)) +
           " * (double)k_ / (double)h_, &ws_, &wc_);");
      line("      const float wr_ = (float)wc_, wi_ = (float)ws_;");
      line("      " + butterfly);
      line("    }");
      line(std::string("    ") + kBarrier);
      line("  }");
      if (c.node.attrs.ints[0]) {
        const std::string scale = c_float(1.0 / double(s.n));
        line("  " + spread_for("k_", "o_", "o_ + " + n) + " { " + re("k_") + " *= " + scale + "; " +
             im("k_") + " *= " + scale + "; }");
        line(std::string("  ") + kBarrier);
      }
      line("}");
      return;
    }
    c.line("for (int64_t o_ = 0; o_ < " + half + "; o_ += " + n + ") {");
    c.line("  for (int64_t k_ = 0, j_ = 0; k_ < " + n + "; ++k_) {");
    c.line("    " + lane_loop(c, re("o_ + j_") + " = " + input(0) + "; " + im("o_ + j_") + " = " +
                                     input(1) + ";"));
    c.line("    int64_t b_ = " + str(s.n >> 1) + "; for (; j_ & b_; b_ >>= 1) j_ ^= b_; j_ |= b_;");
    c.line("  }");
    // Stages kTableFrom to kTwiddleTable butterflies wide run block by block with the
    // twiddles of the stage in a table on the stack: the inner loop walks memory
    // contiguously and vectorises. Narrower stages keep the long stride-2h inner loop (a
    // block of a few butterflies would be all loop overhead); wider ones (N > 2 *
    // kTwiddleTable) rotate the twiddle as they go.
    const int64_t table = std::min<int64_t>(s.n / 2, kTwiddleTable);
    // The next twiddle: (cr_, ci_) times e^{±iπ/h}, in double.
    const std::string rotate =
        "const double nr_ = cr_ * sr_ - ci_ * si_; ci_ = cr_ * si_ + ci_ * sr_; cr_ = nr_;";
    c.line("  for (int64_t h_ = 1; h_ < " + n + "; h_ <<= 1) {");
    c.line("    const double a_ = " + c_literal(sign_of(c.node) * std::numbers::pi) +
           " / (double)h_, sr_ = cos(a_), si_ = sin(a_);");
    c.line("    double cr_ = 1.0, ci_ = 0.0;");
    if (table >= kTableFrom && c.stack_tables) {
      c.line("    if (h_ >= " + str(kTableFrom) + " && h_ <= " + str(table) + ") {");
      c.line("      float twr_[" + str(table) + "], twi_[" + str(table) + "];");
      c.line("      for (int64_t k_ = 0; k_ < h_; ++k_) {");
      c.line("        twr_[k_] = (float)cr_; twi_[k_] = (float)ci_; " + rotate);
      c.line("      }");
      c.line("      for (int64_t g_ = o_; g_ < o_ + " + n + "; g_ += 2 * h_)");
      c.line("        _Pragma(\"GCC ivdep\") for (int64_t k_ = 0; k_ < h_; ++k_) {");
      c.line("          const int64_t p_ = g_ + k_, q_ = p_ + h_;");
      c.line("          const float wr_ = twr_[k_], wi_ = twi_[k_];");
      c.line("          " + butterfly);
      c.line("        }");
      c.line("      continue;");
      c.line("    }");
    }
    c.line("    for (int64_t k_ = 0; k_ < h_; ++k_) {");
    c.line("      const float wr_ = (float)cr_, wi_ = (float)ci_;");
    c.line("      for (int64_t p_ = o_ + k_; p_ < o_ + " + n + "; p_ += 2 * h_) {");
    c.line("        const int64_t q_ = p_ + h_;");
    c.line("        " + butterfly);
    c.line("      }");
    c.line("      " + rotate);
    c.line("    }");
    c.line("  }");
    if (c.node.attrs.ints[0])
      c.line("  for (int64_t k_ = o_; k_ < o_ + " + n + "; ++k_) { " +
             lane_loop(c, re("k_") + " *= " + c_float(1.0 / double(s.n)) + "; " + im("k_") +
                              " *= " + c_float(1.0 / double(s.n)) + ";") +
             " }");
    c.line("}");
  };
  // The DFT matrix F is symmetric, so the adjoint of X = F x (re and im apart) is
  // conj(F) applied to the output adjoint: N times the inverse transform; the adjoint of
  // the inverse (conj(F) / N) is the forward transform over N.
  op.adjoint = [](AdjointCtx& c) {
    if (!c.has_grad()) return;
    const bool inverse = c.node.attrs.ints[0] != 0;
    const Value g = c.grad();
    const Value back =
        make("fft_complex", {complex_part(g, 0), complex_part(g, 1)}, {{inverse ? 0 : 1}, {}});
    const double n = double(c.node.shape.back()), scale = inverse ? 1.0 / n : n;
    for (int k = 0; k < 2; ++k)
      if (c.needs(k)) c.add(k, complex_part(back, k) * scale);
  };
  register_op(std::move(op));
}

}  // namespace

void register_fft_ops() { register_fft_complex(); }

}  // namespace dgen

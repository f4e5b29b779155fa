// Linear tensor ops (SPEC §2.4): matmul and the cross-correlations conv1d / conv2d.
// Products accumulate in double (SPEC §1); indices are int64 loop variables.
#include <numeric>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/emit_util.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {
namespace {

// ---- matmul -----------------------------------------------------------------------------
// matmul(a [..., M, K], b [..., K, N]) -> [batch..., M, N], where batch is the numpy
// broadcast of the leading axes of a and b: out[z, m, n] = Σ_k a[z, m, k] b[z, k, n].
// 1-D arguments are rejected (reshape them to [1, K] or [K, 1]).
struct MatmulDims {
  Shape batch, a_batch, b_batch;
  int64_t m = 0, k = 0, n = 0;
};

MatmulDims matmul_dims(const Shape& a, const Shape& b) {
  if (a.size() < 2 || b.size() < 2)
    throw Error("matmul: both arguments must be at least 2-D, got " + to_string(a) + " and " +
                to_string(b) + " (reshape a vector to [1, K] or [K, 1])");
  MatmulDims d;
  d.a_batch.assign(a.begin(), a.end() - 2);
  d.b_batch.assign(b.begin(), b.end() - 2);
  d.m = a[a.size() - 2];
  d.k = a.back();
  d.n = b.back();
  if (b[b.size() - 2] != d.k)
    throw Error("matmul: inner dimensions differ: " + to_string(a) + " x " + to_string(b) + " (" +
                std::to_string(d.k) + " != " + std::to_string(b[b.size() - 2]) + ")");
  try {
    d.batch = broadcast_shapes({d.a_batch, d.b_batch}, "matmul");
  } catch (const Error&) {
    throw Error("matmul: batch dimensions of " + to_string(a) + " and " + to_string(b) +
                " do not broadcast");
  }
  return d;
}

void register_matmul() {
  OpDef op;
  op.name = "matmul";
  op.min_inputs = op.max_inputs = 2;
  op.shape = [](const std::vector<Shape>& in, const Attrs&) {
    const MatmulDims d = matmul_dims(in[0], in[1]);
    Shape out = d.batch;
    out.push_back(d.m);
    out.push_back(d.n);
    return out;
  };
  op.eval = [](EvalCtx& c) {
    const MatmulDims d = matmul_dims(c.node.inputs[0]->shape, c.node.inputs[1]->shape);
    for (int64_t z = 0; z < numel(d.batch); ++z) {
      const double* a = c.in[0] + broadcast_index(d.batch, d.a_batch, z) * d.m * d.k;
      const double* b = c.in[1] + broadcast_index(d.batch, d.b_batch, z) * d.k * d.n;
      double* out = c.out + z * d.m * d.n;
      for (int64_t m = 0; m < d.m; ++m)
        for (int64_t n = 0; n < d.n; ++n) {
          double acc = 0;
          for (int64_t k = 0; k < d.k; ++k) acc += a[m * d.k + k] * b[k * d.n + n];
          out[m * d.n + n] = acc;
        }
    }
  };
  op.emit = [](EmitCtx& c) {
    const MatmulDims d = matmul_dims(c.node.inputs[0]->shape, c.node.inputs[1]->shape);
    const std::string a_base =
        broadcast_index_expr(d.batch, d.a_batch, "z_") + " * " + str(d.m * d.k);
    const std::string b_base =
        broadcast_index_expr(d.batch, d.b_batch, "z_") + " * " + str(d.k * d.n);
    const std::string a = c.in(0, a_base + " + m_ * " + str(d.k) + " + k_");
    const std::string b = c.in(1, b_base + " + k_ * " + str(d.n) + " + n_");
    const std::string out = c.out("(z_ * " + str(d.m) + " + m_) * " + str(d.n) + " + n_");
    const std::string dot = "double acc_ = 0.0; " +
                            c_sum_for("k_", d.k, "acc_ += (double)" + a + " * (double)" + b + ";") +
                            " " + out + " = (float)acc_;";
    c.line(c_for("z_", numel(d.batch), c_for("m_", d.m, c_for("n_", d.n, dot))));
  };
  // dA = G B^T and dB = A^T G, batch by batch (add() sums over broadcast batch axes).
  op.adjoint = [](AdjointCtx& c) {
    if (!c.has_grad()) return;
    auto swap_last = [](const Value& v) {
      std::vector<int64_t> axes(v.shape().size());
      std::iota(axes.begin(), axes.end(), 0);
      std::swap(axes[axes.size() - 1], axes[axes.size() - 2]);
      return transpose(v, axes);
    };
    if (c.needs(0)) c.add(0, matmul(c.grad(), swap_last(c.in(1))));
    if (c.needs(1)) c.add(1, matmul(swap_last(c.in(0)), c.grad()));
  };
  register_op(std::move(op));
}

// ---- conv1d / conv2d --------------------------------------------------------------------
// Cross-correlation (no kernel flip) over the last r axes of x (r = 1 for conv1d, 2 for
// conv2d), the same kernel for every leading index of x (a channel of conv1d's [C, L]):
//   out[z, o] = Σ_q x[z, o + q - off] k[q]   (o, q, off: r-dimensional; x outside is 0)
// attrs.ints[0] = padding: 0 valid (off = 0, out = x - k + 1 per axis),
//                          1 same  (off = floor(k / 2), out = x per axis).
struct ConvDims {
  int64_t batch = 1;
  Shape x, k, out, offset;  // the r spatial axes
};

ConvDims conv_dims(const std::string& op, size_t r, const Shape& x, const Shape& k,
                   const Attrs& a) {
  const char* form =
      r == 1 ? "[L] or [C, L] and a kernel [K]" : "[H, W] (or [..., H, W]) and a kernel [kh, kw]";
  if (x.size() < r || k.size() != r)
    throw Error(op + ": expected an input " + form + ", got " + to_string(x) + " and " +
                to_string(k));
  if (a.ints.size() != 1 || (a.ints[0] != 0 && a.ints[0] != 1))
    throw Error(op + ": padding must be valid (0) or same (1)");
  const bool same = a.ints[0] == 1;
  ConvDims d;
  d.x.assign(x.end() - int64_t(r), x.end());
  d.batch = numel(Shape(x.begin(), x.end() - int64_t(r)));
  d.k = k;
  for (size_t i = 0; i < r; ++i) {
    if (!same && k[i] > d.x[i])
      throw Error(op + ": kernel " + to_string(k) + " is larger than the input " + to_string(x) +
                  " (padding valid)");
    d.out.push_back(same ? d.x[i] : d.x[i] - k[i] + 1);
    d.offset.push_back(same ? k[i] / 2 : 0);
  }
  return d;
}

void eval_conv(size_t r, EvalCtx& c) {
  const ConvDims d =
      conv_dims(c.node.op->name, r, c.node.inputs[0]->shape, c.node.inputs[1]->shape, c.node.attrs);
  const Shape x_stride = strides_of(d.x), k_stride = strides_of(d.k), o_stride = strides_of(d.out);
  const int64_t nx = numel(d.x), nk = numel(d.k), no = numel(d.out);
  for (int64_t z = 0; z < d.batch; ++z)
    for (int64_t o = 0; o < no; ++o) {
      double acc = 0;
      for (int64_t q = 0; q < nk; ++q) {
        int64_t xi = 0;
        bool inside = true;
        for (size_t i = 0; i < r; ++i) {
          const int64_t p = o / o_stride[i] % d.out[i] + q / k_stride[i] % d.k[i] - d.offset[i];
          inside = inside && p >= 0 && p < d.x[i];
          xi += p * x_stride[i];
        }
        if (inside) acc += c.in[0][z * nx + xi] * c.in[1][q];
      }
      c.out[z * no + o] = acc;
    }
}

// Nested loops: z_ over the batch, o<i>_ over the output, q<i>_ over the kernel; the input
// coordinate p<i>_ is checked only where padding can put it outside.
void emit_conv(size_t r, EmitCtx& c) {
  const ConvDims d =
      conv_dims(c.node.op->name, r, c.node.inputs[0]->shape, c.node.inputs[1]->shape, c.node.attrs);
  const Shape x_stride = strides_of(d.x), k_stride = strides_of(d.k), o_stride = strides_of(d.out);
  auto var = [](const char* name, size_t i) { return name + std::to_string(i) + "_"; };
  std::string coords, inside, x_index = "z_ * " + str(numel(d.x)), k_index = "0",
                              o_index = "z_ * " + str(numel(d.out));
  for (size_t i = 0; i < r; ++i) {
    const std::string p = var("p", i);
    coords += "const int64_t " + p + " = " + var("o", i) + " + " + var("q", i) + " - " +
              str(d.offset[i]) + "; ";
    if (d.offset[i] > 0 || d.out[i] + d.k[i] - 1 > d.x[i])
      inside += (inside.empty() ? "" : " && ") + p + " >= 0 && " + p + " < " + str(d.x[i]);
    x_index += " + " + p + " * " + str(x_stride[i]);
    k_index += " + " + var("q", i) + " * " + str(k_stride[i]);
    o_index += " + " + var("o", i) + " * " + str(o_stride[i]);
  }
  std::string tap = "acc_ += (double)" + c.in(0, x_index) + " * (double)" + c.in(1, k_index) + ";";
  if (!inside.empty()) tap = "if (" + inside + ") " + tap;
  std::string kernel_loops = coords + tap;
  for (size_t i = r; i-- > 0;)
    kernel_loops = (i + 1 == r ? c_sum_for : c_for)(var("q", i), d.k[i], kernel_loops);
  std::string body =
      "double acc_ = 0.0; " + kernel_loops + " " + c.out(o_index) + " = (float)acc_;";
  for (size_t i = r; i-- > 0;) body = c_for(var("o", i), d.out[i], body);
  c.line(c_for("z_", d.batch, body));
}

// ---- conv adjoints ------------------------------------------------------------------------
// With off the offset and O the output size per axis:
//   dk[q] = Σ_z Σ_o g[z, o] x[z, o + q - off]: a valid cross-correlation of x, padded by off
//           before (and to O + K - 1 in all), with g as the kernel, summed over the batch;
//   dx[p] = Σ_q g[z, p - q + off] k[q]: a valid cross-correlation of g, padded by K - 1 - off
//           before (and to X + K - 1 in all), with the kernel reversed.

// Pads the last r axes of v by (before, after) each.
Value pad_last(const Value& v, const std::vector<std::pair<int64_t, int64_t>>& last) {
  std::vector<std::pair<int64_t, int64_t>> all(v.shape().size() - last.size(), {0, 0});
  all.insert(all.end(), last.begin(), last.end());
  return pad(v, all);
}

// k with every axis reversed: its flattened order reversed.
Value reversed(const Value& k) {
  const int64_t n = numel(k.shape());
  std::vector<float> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[size_t(i)] = float(n - 1 - i);
  return reshape(gather(reshape(k, {n}), tensor({n}, std::move(order))), k.shape());
}

void conv_adjoint(size_t r, AdjointCtx& c) {
  if (!c.has_grad()) return;
  const Shape& xs = c.node.inputs[0]->shape;
  const ConvDims d = conv_dims(c.node.op->name, r, xs, c.node.inputs[1]->shape, c.node.attrs);
  const Value g = c.grad();
  const Attrs valid{{0}, {}};
  if (c.needs(0)) {
    std::vector<std::pair<int64_t, int64_t>> pads;
    for (size_t i = 0; i < r; ++i)
      pads.push_back({d.k[i] - 1 - d.offset[i], d.x[i] - d.out[i] + d.offset[i]});
    c.add(0, make(c.node.op->name, {pad_last(g, pads), reversed(c.in(1))}, valid));
  }
  if (!c.needs(1)) return;
  std::vector<std::pair<int64_t, int64_t>> pads;
  for (size_t i = 0; i < r; ++i)
    pads.push_back({d.offset[i], d.out[i] + d.k[i] - 1 - d.x[i] - d.offset[i]});
  const Value x = pad_last(c.in(0), pads);
  Shape xp(x.shape().end() - int64_t(r), x.shape().end()), go(d.out);
  if (r == 1) {  // one 2-D correlation over [batch, L] sums the batch
    xp.insert(xp.begin(), d.batch);
    go.insert(go.begin(), d.batch);
    c.add(1, reshape(conv2d(reshape(x, xp), reshape(g, go)), d.k));
    return;
  }
  const Value xb = reshape(x, {d.batch, xp[0], xp[1]}), gb = reshape(g, {d.batch, go[0], go[1]});
  auto row = [](const Value& v, int64_t z) {
    return reshape(shrink(v, {{z, z + 1}, {0, v.shape()[1]}, {0, v.shape()[2]}}),
                   {v.shape()[1], v.shape()[2]});
  };
  Value dk = conv2d(row(xb, 0), row(gb, 0));
  for (int64_t z = 1; z < d.batch; ++z) dk = dk + conv2d(row(xb, z), row(gb, z));
  c.add(1, dk);
}

void register_conv(const char* name, size_t r) {
  OpDef op;
  op.name = name;
  op.min_inputs = op.max_inputs = 2;
  op.shape = [name = std::string(name), r](const std::vector<Shape>& in, const Attrs& a) {
    const ConvDims d = conv_dims(name, r, in[0], in[1], a);
    Shape out(in[0].begin(), in[0].end() - int64_t(r));
    out.insert(out.end(), d.out.begin(), d.out.end());
    return out;
  };
  op.eval = [r](EvalCtx& c) { eval_conv(r, c); };
  op.emit = [r](EmitCtx& c) { emit_conv(r, c); };
  op.adjoint = [r](AdjointCtx& c) { conv_adjoint(r, c); };
  register_op(std::move(op));
}

}  // namespace

void register_tensor_linear_ops() {
  register_matmul();
  register_conv("conv1d", 1);
  register_conv("conv2d", 2);
}

}  // namespace dgen

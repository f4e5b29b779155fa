#include "ops/table_read.hpp"

#include <cmath>
#include <optional>

#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ops/broadcast.hpp"
#include "ops/emit_util.hpp"

namespace dgen {

Lerp lerp_at(double x, int64_t n) {
  const double top = double(n - 1);
  x = x > 0 ? x : 0;
  x = x < top ? x : top;
  const int64_t i0 = static_cast<int64_t>(std::floor(x));
  return {i0, i0 + 1 < n ? i0 + 1 : n - 1, x - double(i0)};
}

LerpValues lerp_values(const Value& x, int64_t n) {
  const double top = double(n - 1);
  const Value clamped = min(max(x, 0.0), top), i0 = floor(clamped);
  return {i0, min(i0 + 1.0, top), clamped - i0, gte(x, 0.0) * lt(x, top)};
}

Value scatter_reads(const Value& g, const LerpValues& r, const LerpValues& k, const Shape& shape) {
  const Table tb = table_of("peek", shape, 1);
  const Value rows[2][2] = {{r.i0, 1.0 - r.frac}, {r.i1, r.frac}};
  const Value cols[2][2] = {{k.i0, 1.0 - k.frac}, {k.i1, k.frac}};
  std::optional<Value> sum;
  for (const auto& [row, row_w] : rows)
    for (int kc = 0; kc < (tb.cols > 1 ? 2 : 1); ++kc) {
      const Value w = tb.cols > 1 ? row_w * cols[kc][1] : row_w;
      const Value part =
          make("scatter_add", {g * w, row * double(tb.cols) + cols[kc][0]}, {shape, {}});
      sum = sum ? *sum + part : part;
    }
  return *sum;
}

std::string clamp_decl(const std::string& p, const std::string& x, int64_t n) {
  const std::string v = p + "_x", top = c_float(double(n - 1));
  return "float " + v + " = " + x + "; " + v + " = " + v + " > 0.0f ? " + v + " : 0.0f; " + v +
         " = " + v + " < " + top + " ? " + v + " : " + top + "; const int64_t " + p +
         "_0 = (int64_t)floorf(" + v + "); ";
}

std::string lerp_decl(const std::string& p, const std::string& x, int64_t n) {
  return clamp_decl(p, x, n) + "const int64_t " + p + "_1 = " + p + "_0 + 1 < " + str(n) + " ? " +
         p + "_0 + 1 : " + str(n - 1) + "; const float " + p + "_f = " + p + "_x - (float)" + p +
         "_0; ";
}

std::string c_mix(const std::string& a, const std::string& b, const std::string& w) {
  return "(" + a + ") + " + w + " * ((" + b + ") - (" + a + "))";
}

Table table_of(const std::string& op, const Shape& t, size_t min_rank) {
  if (t.size() < min_rank || t.size() > 2)
    throw Error(op + ": the table must be " +
                (min_rank == 1 ? "1-D [rows] or 2-D [rows, columns]" : "2-D [rows, columns]") +
                ", got " + to_string(t));
  return {t[0], t.size() == 2 ? t[1] : 1};
}

double read_bilinear(const std::function<double(int64_t)>& at, Table tb, double index,
                     double channel) {
  const Lerp r = lerp_at(index, tb.rows), k = lerp_at(channel, tb.cols);
  auto row = [&](int64_t i) {
    return lerp_mix(at(i * tb.cols + k.i0), at(i * tb.cols + k.i1), k.frac);
  };
  return lerp_mix(row(r.i0), row(r.i1), r.frac);
}

std::string c_read_bilinear(const std::function<std::string(const std::string&)>& at, Table tb,
                            const std::string& index, const std::string& channel,
                            const std::string& out) {
  std::string body = lerp_decl("r", index, tb.rows);
  auto element = [&](const std::string& row, const std::string& col) {
    return at(row + " * " + str(tb.cols) + " + " + col);
  };
  std::string row0 = element("r_0", "0"), row1 = element("r_1", "0");
  if (tb.cols > 1) {  // a 1-D table has a single column: no column interpolation
    body += lerp_decl("k", channel, tb.cols);
    row0 = c_mix(element("r_0", "k_0"), element("r_0", "k_1"), "k_f");
    row1 = c_mix(element("r_1", "k_0"), element("r_1", "k_1"), "k_f");
  }
  return body + out + " = " + c_mix(row0, row1, "r_f") + ";";
}

void eval_reads(EvalCtx& c, const double* table, Table tb, int first) {
  const Shape& index = c.node.inputs[size_t(first)]->shape;
  const Shape& channel = c.node.inputs[size_t(first) + 1]->shape;
  for (int64_t e = 0; e < c.node.size(); ++e)
    c.out[e] = read_bilinear([table](int64_t i) { return table[i]; }, tb,
                             c.in[size_t(first)][broadcast_index(c.node.shape, index, e)],
                             c.in[size_t(first) + 1][broadcast_index(c.node.shape, channel, e)]);
}

void emit_reads(EmitCtx& c, const std::function<std::string(const std::string&)>& at, Table tb,
                int first) {
  const std::string index =
      c.in(first, broadcast_index_expr(c.node.shape, c.node.inputs[size_t(first)]->shape, "e"));
  const std::string channel = c.in(
      first + 1, broadcast_index_expr(c.node.shape, c.node.inputs[size_t(first) + 1]->shape, "e"));
  emit_loop(c, c.node.size(), "e", c_read_bilinear(at, tb, index, channel, c.out("e")));
}

}  // namespace dgen

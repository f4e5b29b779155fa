// Elementwise math (SPEC §2.1): any rate, any shape, numpy broadcasting. Each op is one
// row: name, arity, reference evaluation in double, C expression in float.
#include <cmath>

#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/emit_util.hpp"

namespace dgen {
namespace {

using Fn = double (*)(const double* x);

struct Row {
  const char* name;
  int arity;
  Fn eval;
  const char* c_expr;  // {0}, {1}, {2}: the input elements, as float
  bool zero_derivative;
};

double sgn(double x) { return static_cast<double>((x > 0) - (x < 0)); }

const Row kRows[] = {
    {"add", 2, [](const double* x) { return x[0] + x[1]; }, "{0} + {1}", false},
    {"sub", 2, [](const double* x) { return x[0] - x[1]; }, "{0} - {1}", false},
    {"mul", 2, [](const double* x) { return x[0] * x[1]; }, "{0} * {1}", false},
    {"div", 2, [](const double* x) { return x[0] / x[1]; }, "{0} / {1}", false},
    {"neg", 1, [](const double* x) { return -x[0]; }, "-{0}", false},
    {"sin", 1, [](const double* x) { return std::sin(x[0]); }, "sinf({0})", false},
    {"cos", 1, [](const double* x) { return std::cos(x[0]); }, "cosf({0})", false},
    {"tan", 1, [](const double* x) { return std::tan(x[0]); }, "tanf({0})", false},
    {"atan", 1, [](const double* x) { return std::atan(x[0]); }, "atanf({0})", false},
    {"tanh", 1, [](const double* x) { return std::tanh(x[0]); }, "tanhf({0})", false},
    {"exp", 1, [](const double* x) { return std::exp(x[0]); }, "expf({0})", false},
    {"log", 1, [](const double* x) { return std::log(x[0]); }, "logf({0})", false},
    {"log10", 1, [](const double* x) { return std::log10(x[0]); }, "log10f({0})", false},
    {"sqrt", 1, [](const double* x) { return std::sqrt(x[0]); }, "sqrtf({0})", false},
    {"abs", 1, [](const double* x) { return std::fabs(x[0]); }, "fabsf({0})", false},
    {"sign", 1, [](const double* x) { return sgn(x[0]); }, "(float)(({0} > 0.0f) - ({0} < 0.0f))",
     true},
    {"floor", 1, [](const double* x) { return std::floor(x[0]); }, "floorf({0})", true},
    {"ceil", 1, [](const double* x) { return std::ceil(x[0]); }, "ceilf({0})", true},
    {"round", 1, [](const double* x) { return std::round(x[0]); }, "roundf({0})", true},
    {"relu", 1, [](const double* x) { return x[0] > 0 ? x[0] : 0.0; }, "({0} > 0.0f ? {0} : 0.0f)",
     false},
    {"sigmoid", 1, [](const double* x) { return 1 / (1 + std::exp(-x[0])); },
     "1.0f / (1.0f + expf(-{0}))", false},
    {"pow", 2, [](const double* x) { return std::pow(x[0], x[1]); }, "powf({0}, {1})", false},
    {"atan2", 2, [](const double* x) { return std::atan2(x[0], x[1]); }, "atan2f({0}, {1})",
     false},
    {"min", 2, [](const double* x) { return x[0] < x[1] ? x[0] : x[1]; },
     "({0} < {1} ? {0} : {1})", false},
    {"max", 2, [](const double* x) { return x[0] > x[1] ? x[0] : x[1]; },
     "({0} > {1} ? {0} : {1})", false},
    {"mod", 2, [](const double* x) { return std::fmod(x[0], x[1]); }, "fmodf({0}, {1})", false},
    {"gt", 2, [](const double* x) { return double(x[0] > x[1]); }, "({0} > {1} ? 1.0f : 0.0f)",
     true},
    {"lt", 2, [](const double* x) { return double(x[0] < x[1]); }, "({0} < {1} ? 1.0f : 0.0f)",
     true},
    {"gte", 2, [](const double* x) { return double(x[0] >= x[1]); },
     "({0} >= {1} ? 1.0f : 0.0f)", true},
    {"lte", 2, [](const double* x) { return double(x[0] <= x[1]); },
     "({0} <= {1} ? 1.0f : 0.0f)", true},
    {"eq", 2, [](const double* x) { return double(x[0] == x[1]); }, "({0} == {1} ? 1.0f : 0.0f)",
     true},
    {"gswitch", 3, [](const double* x) { return x[0] > 0 ? x[1] : x[2]; },
     "({0} > 0.0f ? {1} : {2})", false},
};

void register_row(const Row& row) {
  OpDef op;
  op.name = row.name;
  op.min_inputs = op.max_inputs = row.arity;
  op.zero_derivative = row.zero_derivative;
  op.shape = [name = std::string(row.name)](const std::vector<Shape>& in, const Attrs&) {
    return broadcast_shapes(in, name);
  };
  op.eval = [fn = row.eval](EvalCtx& c) {
    const int64_t n = c.node.size();
    double x[3];
    for (int64_t e = 0; e < n; ++e) {
      for (size_t i = 0; i < c.in.size(); ++i)
        x[i] = c.in[i][broadcast_index(c.node.shape, c.node.inputs[i]->shape, e)];
      c.out[e] = fn(x);
    }
  };
  op.emit = [tmpl = std::string(row.c_expr)](EmitCtx& c) {
    std::vector<std::string> args;
    for (size_t i = 0; i < c.node.inputs.size(); ++i)
      args.push_back(c.in(int(i), broadcast_index_expr(c.node.shape, c.node.inputs[i]->shape, "e")));
    emit_loop(c, c.node.size(), "e", c.out("e") + " = " + fill_template(tmpl, args) + ";");
  };
  register_op(std::move(op));
}

}  // namespace

void register_elementwise_ops() {
  for (const Row& row : kRows) register_row(row);

  // A scalar constant: reals[0]. Constants are structure (part of the cache key), so
  // they are emitted as literals.
  OpDef c;
  c.name = "const";
  c.shape = [](const std::vector<Shape>&, const Attrs& a) {
    if (a.reals.size() != 1) throw Error("const: expected one value");
    return Shape{};
  };
  c.eval = [](EvalCtx& e) { e.out[0] = e.node.attrs.reals[0]; };
  c.emit = [](EmitCtx& e) { e.line(e.out("0") + " = " + c_float(e.node.attrs.reals[0]) + ";"); };
  c.zero_derivative = true;
  register_op(std::move(c));
}

}  // namespace dgen

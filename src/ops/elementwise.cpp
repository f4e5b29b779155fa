// Elementwise math (SPEC §2.1): any rate, any shape, numpy broadcasting. Each op is one
// row: name, arity, reference evaluation in double, C expression in float.
#include <cctype>
#include <cmath>
#include <numbers>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/broadcast.hpp"
#include "ops/emit_util.hpp"

namespace dgen {
namespace {

using Fn = double (*)(const double* x);
using Adjoint = void (*)(AdjointCtx& c);

struct Row {
  const char* name;
  int arity;
  Fn eval;
  const char* c_expr;  // {0}, {1}, {2}: the input elements, as float
  bool zero_derivative;
  Adjoint adjoint = nullptr;  // SPEC §2.1: the usual derivatives; subgradient of the active branch
  Linear linear = Linear::No;  // OpDef::linear
};

double sgn(double x) { return static_cast<double>((x > 0) - (x < 0)); }

// Adds the output adjoint times d() to input i, building d only when that input's
// adjoint is wanted (so no forward value is taped for nothing).
template <class D>
void chain(AdjointCtx& c, int i, D d) {
  if (!c.needs(i)) return;
  const Value g = c.grad();
  const bool one =
      g.node()->op->name == "const" && g.node()->attrs.reals[0] == 1.0;  // a loss's seed
  c.add(i, one ? d() : g * d());
}
// Passes the output adjoint (negated when `negate`) to input i.
void pass(AdjointCtx& c, int i, bool negate = false) {
  if (c.needs(i)) c.add(i, negate ? -c.grad() : c.grad());
}
// Routes the output adjoint to input i on the frames where `cond` is `when` (a branch).
void route(AdjointCtx& c, int i, const Value& cond, bool when) {
  if (c.needs(i)) c.add(i, when ? gswitch(cond, c.grad(), 0.0) : gswitch(cond, 0.0, c.grad()));
}

const Row kRows[] = {
    {"add", 2, [](const double* x) { return x[0] + x[1]; }, "{0} + {1}", false,
     [](AdjointCtx& c) {
       pass(c, 0);
       pass(c, 1);
     },
     Linear::Sum},
    {"sub", 2, [](const double* x) { return x[0] - x[1]; }, "{0} - {1}", false,
     [](AdjointCtx& c) {
       pass(c, 0);
       pass(c, 1, true);
     },
     Linear::Sum},
    {"mul", 2, [](const double* x) { return x[0] * x[1]; }, "{0} * {1}", false,
     [](AdjointCtx& c) {
       chain(c, 0, [&] { return c.in(1); });
       chain(c, 1, [&] { return c.in(0); });
     },
     Linear::Product},
    {"div", 2, [](const double* x) { return x[0] / x[1]; }, "{0} / {1}", false,
     [](AdjointCtx& c) {
       chain(c, 0, [&] { return 1.0 / c.in(1); });
       chain(c, 1, [&] { return -c.in(0) / (c.in(1) * c.in(1)); });
     },
     Linear::Quotient},
    {"neg", 1, [](const double* x) { return -x[0]; }, "-{0}", false,
     [](AdjointCtx& c) { pass(c, 0, true); }, Linear::Sum},
    {"sin", 1, [](const double* x) { return std::sin(x[0]); }, "sinf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() * cos(c.in(0))); }},
    {"cos", 1, [](const double* x) { return std::cos(x[0]); }, "cosf({0})", false,
     [](AdjointCtx& c) { c.add(0, -(c.grad() * sin(c.in(0)))); }},
    {"tan", 1, [](const double* x) { return std::tan(x[0]); }, "tanf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() * (1.0 + c.out() * c.out())); }},
    {"atan", 1, [](const double* x) { return std::atan(x[0]); }, "atanf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() / (1.0 + c.in(0) * c.in(0))); }},
    {"tanh", 1, [](const double* x) { return std::tanh(x[0]); }, "tanhf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() * (1.0 - c.out() * c.out())); }},
    {"exp", 1, [](const double* x) { return std::exp(x[0]); }, "expf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() * c.out()); }},
    {"log", 1, [](const double* x) { return std::log(x[0]); }, "logf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() / c.in(0)); }},
    {"log10", 1, [](const double* x) { return std::log10(x[0]); }, "log10f({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() / (c.in(0) * std::numbers::ln10)); }},
    {"sqrt", 1, [](const double* x) { return std::sqrt(x[0]); }, "sqrtf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() * 0.5 / c.out()); }},
    {"abs", 1, [](const double* x) { return std::fabs(x[0]); }, "fabsf({0})", false,
     [](AdjointCtx& c) { c.add(0, c.grad() * sign(c.in(0))); }},
    {"sign", 1, [](const double* x) { return sgn(x[0]); }, "(float)(({0} > 0.0f) - ({0} < 0.0f))",
     true},
    {"floor", 1, [](const double* x) { return std::floor(x[0]); }, "floorf({0})", true},
    {"ceil", 1, [](const double* x) { return std::ceil(x[0]); }, "ceilf({0})", true},
    {"round", 1, [](const double* x) { return std::round(x[0]); }, "roundf({0})", true},
    {"relu", 1, [](const double* x) { return x[0] > 0 ? x[0] : 0.0; }, "({0} > 0.0f ? {0} : 0.0f)",
     false, [](AdjointCtx& c) { route(c, 0, c.in(0), true); }},
    {"sigmoid", 1, [](const double* x) { return 1 / (1 + std::exp(-x[0])); },
     "1.0f / (1.0f + expf(-{0}))", false,
     [](AdjointCtx& c) { c.add(0, c.grad() * c.out() * (1.0 - c.out())); }},
    {"pow", 2, [](const double* x) { return std::pow(x[0], x[1]); }, "powf({0}, {1})", false,
     [](AdjointCtx& c) {
       chain(c, 0, [&] { return c.in(1) * pow(c.in(0), c.in(1) - 1.0); });
       chain(c, 1, [&] { return gswitch(gt(c.in(0), 0.0), c.out() * log(c.in(0)), 0.0); });
     }},
    {"atan2", 2, [](const double* x) { return std::atan2(x[0], x[1]); }, "atan2f({0}, {1})", false,
     [](AdjointCtx& c) {
       const auto r2 = [&] { return c.in(0) * c.in(0) + c.in(1) * c.in(1); };
       chain(c, 0, [&] { return c.in(1) / r2(); });
       chain(c, 1, [&] { return -c.in(0) / r2(); });
     }},
    {"min", 2, [](const double* x) { return x[0] < x[1] ? x[0] : x[1]; }, "({0} < {1} ? {0} : {1})",
     false,
     [](AdjointCtx& c) {
       const Value first = lt(c.in(0), c.in(1));
       route(c, 0, first, true);
       route(c, 1, first, false);
     }},
    {"max", 2, [](const double* x) { return x[0] > x[1] ? x[0] : x[1]; }, "({0} > {1} ? {0} : {1})",
     false,
     [](AdjointCtx& c) {
       const Value first = gt(c.in(0), c.in(1));
       route(c, 0, first, true);
       route(c, 1, first, false);
     }},
    {"mod", 2, [](const double* x) { return std::fmod(x[0], x[1]); }, "fmodf({0}, {1})", false,
     [](AdjointCtx& c) {
       pass(c, 0);
       chain(c, 1, [&] { return -(c.in(0) - c.out()) / c.in(1); });
     }},
    {"gt", 2, [](const double* x) { return double(x[0] > x[1]); }, "({0} > {1} ? 1.0f : 0.0f)",
     true},
    {"lt", 2, [](const double* x) { return double(x[0] < x[1]); }, "({0} < {1} ? 1.0f : 0.0f)",
     true},
    {"gte", 2, [](const double* x) { return double(x[0] >= x[1]); }, "({0} >= {1} ? 1.0f : 0.0f)",
     true},
    {"lte", 2, [](const double* x) { return double(x[0] <= x[1]); }, "({0} <= {1} ? 1.0f : 0.0f)",
     true},
    {"eq", 2, [](const double* x) { return double(x[0] == x[1]); }, "({0} == {1} ? 1.0f : 0.0f)",
     true},
    {"gswitch", 3, [](const double* x) { return x[0] > 0 ? x[1] : x[2]; },
     "({0} > 0.0f ? {1} : {2})", false,
     [](AdjointCtx& c) {
       route(c, 1, c.in(0), true);
       route(c, 2, c.in(0), false);
     },
     Linear::Select},
};

// True when a C expression calls no function (sinf(...), fabsf(...)): a few instructions.
bool calls_no_function(std::string_view expr) {
  for (size_t i = 1; i < expr.size(); ++i)
    if (expr[i] == '(' &&
        (std::isalnum(static_cast<unsigned char>(expr[i - 1])) || expr[i - 1] == '_'))
      return false;
  return true;
}

void register_row(const Row& row) {
  OpDef op;
  op.name = row.name;
  op.cheap = calls_no_function(row.c_expr);
  op.lane_loops = true;
  op.stackable = true;
  op.min_inputs = op.max_inputs = row.arity;
  op.zero_derivative = row.zero_derivative;
  op.shape = [name = std::string(row.name)](const std::vector<Shape>& in, const Attrs&) {
    return broadcast_shapes(in, name);
  };
  op.adjoint = row.adjoint;
  op.linear = row.linear;
  // A piecewise-constant op (a comparison, floor...; the ones with a zero derivative) sees
  // its operands as the compiled code stores them, in float32 (SPEC §1), so a tie that
  // storage makes exact (a frame count / sr against k / sr) decides alike on both backends
  // instead of on the interpreter's extra bits.
  op.eval = [fn = row.eval, storage = row.zero_derivative](EvalCtx& c) {
    const int64_t n = c.node.size();
    double x[3];
    for (int64_t e = 0; e < n; ++e) {
      for (size_t i = 0; i < c.in.size(); ++i) {
        x[i] = c.in[i][broadcast_index(c.node.shape, c.node.inputs[i]->shape, e)];
        if (storage) x[i] = double(float(x[i]));
      }
      c.out[e] = fn(x);
    }
  };
  op.element = [tmpl = std::string(row.c_expr)](EmitCtx& c, const std::string& flat) {
    std::vector<std::string> args;
    for (size_t i = 0; i < c.node.inputs.size(); ++i)
      args.push_back(
          c.in(int(i), broadcast_index_expr(c.node.shape, c.node.inputs[i]->shape, flat)));
    return fill_template(tmpl, args);
  };
  op.element_computes = true;
  op.emit = [element = op.element](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e", c.out("e") + " = " + element(c, "e") + ";",
              /*independent=*/true);
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
  c.cheap = true;
  register_op(std::move(c));
}

}  // namespace dgen

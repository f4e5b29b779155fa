// Elementwise math (SPEC §2.1 and the arithmetic of §6). Every operator is one row with
// two implementations: `fold` computes it in double when all arguments are numbers (so
// constant expressions stay numbers until they meet a signal), `build` makes the graph
// node through the C++ API. The folds follow the op semantics of SPEC §2.1 exactly.
#include <cmath>
#include <iterator>

#include "lisp/builtins.hpp"

namespace dgen::lisp {
namespace {

using Fold = double (*)(const double*);
using Build = Value (*)(const Value*);

struct Row {
  const char* name;
  size_t arity;
  const char* usage;  // shown on arity errors
  Fold fold;
  Build build;
};

double sgn(double x) { return double((x > 0) - (x < 0)); }
double min2(double a, double b) { return a < b ? a : b; }
double max2(double a, double b) { return a > b ? a : b; }

const Row kUnary[] = {
    {"sin", 1, "(sin x)", [](const double* x) { return std::sin(x[0]); },
     [](const Value* v) { return sin(v[0]); }},
    {"cos", 1, "(cos x)", [](const double* x) { return std::cos(x[0]); },
     [](const Value* v) { return cos(v[0]); }},
    {"tan", 1, "(tan x)", [](const double* x) { return std::tan(x[0]); },
     [](const Value* v) { return tan(v[0]); }},
    {"atan", 1, "(atan x)", [](const double* x) { return std::atan(x[0]); },
     [](const Value* v) { return atan(v[0]); }},
    {"tanh", 1, "(tanh x)", [](const double* x) { return std::tanh(x[0]); },
     [](const Value* v) { return tanh(v[0]); }},
    {"exp", 1, "(exp x)", [](const double* x) { return std::exp(x[0]); },
     [](const Value* v) { return exp(v[0]); }},
    {"log", 1, "(log x)", [](const double* x) { return std::log(x[0]); },
     [](const Value* v) { return log(v[0]); }},
    {"log10", 1, "(log10 x)", [](const double* x) { return std::log10(x[0]); },
     [](const Value* v) { return log10(v[0]); }},
    {"sqrt", 1, "(sqrt x)", [](const double* x) { return std::sqrt(x[0]); },
     [](const Value* v) { return sqrt(v[0]); }},
    {"abs", 1, "(abs x)", [](const double* x) { return std::fabs(x[0]); },
     [](const Value* v) { return abs(v[0]); }},
    {"sign", 1, "(sign x)", [](const double* x) { return sgn(x[0]); },
     [](const Value* v) { return sign(v[0]); }},
    {"floor", 1, "(floor x)", [](const double* x) { return std::floor(x[0]); },
     [](const Value* v) { return floor(v[0]); }},
    {"ceil", 1, "(ceil x)", [](const double* x) { return std::ceil(x[0]); },
     [](const Value* v) { return ceil(v[0]); }},
    {"round", 1, "(round x)", [](const double* x) { return std::round(x[0]); },
     [](const Value* v) { return round(v[0]); }},
    {"relu", 1, "(relu x)", [](const double* x) { return max2(x[0], 0.0); },
     [](const Value* v) { return relu(v[0]); }},
    {"sigmoid", 1, "(sigmoid x)", [](const double* x) { return 1 / (1 + std::exp(-x[0])); },
     [](const Value* v) { return sigmoid(v[0]); }},
    {"neg", 1, "(neg x)", [](const double* x) { return -x[0]; },
     [](const Value* v) { return neg(v[0]); }},
};
const Row& kNeg = kUnary[std::size(kUnary) - 1];

const Row kFixed[] = {
    {"atan2", 2, "(atan2 y x)", [](const double* x) { return std::atan2(x[0], x[1]); },
     [](const Value* v) { return atan2(v[0], v[1]); }},
    {"gt", 2, "(gt a b)", [](const double* x) { return double(x[0] > x[1]); },
     [](const Value* v) { return gt(v[0], v[1]); }},
    {"lt", 2, "(lt a b)", [](const double* x) { return double(x[0] < x[1]); },
     [](const Value* v) { return lt(v[0], v[1]); }},
    {"gte", 2, "(gte a b)", [](const double* x) { return double(x[0] >= x[1]); },
     [](const Value* v) { return gte(v[0], v[1]); }},
    {"lte", 2, "(lte a b)", [](const double* x) { return double(x[0] <= x[1]); },
     [](const Value* v) { return lte(v[0], v[1]); }},
    {"eq", 2, "(eq a b)", [](const double* x) { return double(x[0] == x[1]); },
     [](const Value* v) { return eq(v[0], v[1]); }},
    {"mse", 2, "(mse prediction target)",
     [](const double* x) { return (x[0] - x[1]) * (x[0] - x[1]); },
     [](const Value* v) { return mse(v[0], v[1]); }},
    {"gswitch", 3, "(gswitch cond a b)", [](const double* x) { return x[0] > 0 ? x[1] : x[2]; },
     [](const Value* v) { return gswitch(v[0], v[1], v[2]); }},
    {"wrap", 3, "(wrap x lo hi)",
     [](const double* x) {
       const double range = x[2] - x[1], shifted = x[0] - x[1];
       return x[1] + shifted - range * std::floor(shifted / range);
     },
     [](const Value* v) { return wrap(v[0], v[1], v[2]); }},
    {"clip", 3, "(clip x lo hi)", [](const double* x) { return min2(max2(x[0], x[1]), x[2]); },
     [](const Value* v) { return clip(v[0], v[1], v[2]); }},
    {"mix", 3, "(mix a b t)", [](const double* x) { return x[0] * (1 - x[2]) + x[1] * x[2]; },
     [](const Value* v) { return mix(v[0], v[1], v[2]); }},
    {"scale", 5, "(scale x in-lo in-hi out-lo out-hi)",
     [](const double* x) { return x[3] + (x[0] - x[1]) * (x[4] - x[3]) / (x[2] - x[1]); },
     [](const Value* v) { return scale(v[0], v[1], v[2], v[3], v[4]); }},
};

// Operators that nest left with three or more arguments: (+ a b c) = (+ (+ a b) c).
const Row kNesting[] = {
    {"+", 2, "(+ a b …)", [](const double* x) { return x[0] + x[1]; },
     [](const Value* v) { return v[0] + v[1]; }},
    {"-", 2, "(- a b …)", [](const double* x) { return x[0] - x[1]; },
     [](const Value* v) { return v[0] - v[1]; }},
    {"*", 2, "(* a b …)", [](const double* x) { return x[0] * x[1]; },
     [](const Value* v) { return v[0] * v[1]; }},
    {"/", 2, "(/ a b …)", [](const double* x) { return x[0] / x[1]; },
     [](const Value* v) { return v[0] / v[1]; }},
    {"%", 2, "(% a b …)", [](const double* x) { return std::fmod(x[0], x[1]); },
     [](const Value* v) { return mod(v[0], v[1]); }},
    {"pow", 2, "(pow a b …)", [](const double* x) { return std::pow(x[0], x[1]); },
     [](const Value* v) { return pow(v[0], v[1]); }},
    {"min", 2, "(min a b …)", [](const double* x) { return min2(x[0], x[1]); },
     [](const Value* v) { return min(v[0], v[1]); }},
    {"max", 2, "(max a b …)", [](const double* x) { return max2(x[0], x[1]); },
     [](const Value* v) { return max(v[0], v[1]); }},
};

const Row& nesting_row(const char* name) {
  for (const Row& row : kNesting)
    if (std::string_view(row.name) == name) return row;
  throw Error(std::string("no nesting row ") + name);
}

// Applies a row to numeric arguments: folded when all are numbers, a graph node
// otherwise. A fold that is not finite is an error (it could never be what was meant).
Datum apply(const Row& row, Call& call, const std::vector<Datum>& args) {
  bool all_numbers = true;
  for (const Datum& a : args) all_numbers = all_numbers && a.is_number();
  if (all_numbers) {
    double x[5];
    for (size_t i = 0; i < args.size(); ++i) x[i] = args[i].number();
    const double r = row.fold(x);
    if (!std::isfinite(r))
      call.fail(call.op() + ": the constant result is not finite (" + format_number(r) + ")");
    return r;
  }
  std::vector<Value> v;
  for (const Datum& a : args) v.push_back(a.value());
  return row.build(v.data());
}

std::vector<Datum> numeric_args(Call& call) {
  std::vector<Datum> args;
  for (size_t i = 0; i < call.size(); ++i) args.push_back(call.numeric(i));
  return args;
}

Datum nest_left(const Row& row, Call& call) {
  const std::vector<Datum> args = numeric_args(call);
  Datum acc = args[0];
  for (size_t i = 1; i < args.size(); ++i) acc = apply(row, call, {acc, args[i]});
  return acc;
}

void add_row(Builtins& t, const Row& row) {
  t.add(
      row.name, [&row](Call& c) { return apply(row, c, numeric_args(c)); }, row.arity, row.arity,
      row.usage);
}

// (max x) and (max x @axis k) reduce a tensor; (max a b …) is elementwise.
Datum max_builtin(Call& call) {
  if (call.size() >= 2) {
    if (call.has("axis"))
      call.fail("max: @axis applies to the one-argument reduction (max tensor @axis k)");
    return nest_left(nesting_row("max"), call);
  }
  const Datum x = call.numeric(0);
  if (x.is_number()) return x;
  if (call.has("axis")) return max_axis(x.value(), call.attr_integer("axis", 0, -64, 64));
  return max(x.value());
}

Datum triangle_builtin(Call& call) {
  static const Row row = {
      "triangle", 2, "(triangle phase [duty])",
      [](const double* x) { return x[0] < x[1] ? x[0] / x[1] : (1 - x[0]) / (1 - x[1]); },
      [](const Value* v) { return triangle(v[0], v[1]); }};
  return apply(row, call, {call.numeric(0), call.size() > 1 ? call.numeric(1) : Datum(0.5)});
}

Datum selector_builtin(Call& call) {
  const std::vector<Datum> args = numeric_args(call);
  bool all_numbers = true;
  for (const Datum& a : args) all_numbers = all_numbers && a.is_number();
  if (all_numbers) {
    const double m = args[0].number();
    const double k = std::ceil(m);
    return (m <= 0 || k > double(args.size() - 1)) ? Datum(0.0) : args[size_t(k)];
  }
  std::vector<Value> options;
  for (size_t i = 1; i < args.size(); ++i) options.push_back(args[i].value());
  return selector(args[0].value(), options);
}

}  // namespace

void add_math_builtins(Builtins& t) {
  for (const Row& row : kUnary) add_row(t, row);
  for (const Row& row : kFixed) add_row(t, row);
  t.alias(">", "gt");
  t.alias("<", "lt");
  t.alias(">=", "gte");
  t.alias("<=", "lte");
  t.alias("==", "eq");
  for (const Row& row : kNesting) {
    if (std::string_view(row.name) == "max") continue;
    const size_t min_args = std::string_view(row.name) == "-" ? 1 : 2;
    t.add(
        row.name,
        [&row](Call& c) {
          return c.size() == 1 ? apply(kNeg, c, {c.numeric(0)}) : nest_left(row, c);
        },
        min_args, SIZE_MAX, row.usage);
  }
  t.add("max", max_builtin, 1, SIZE_MAX, "(max a b …) or (max tensor [@axis k])", {"axis"});
  t.add("triangle", triangle_builtin, 1, 2, "(triangle phase [duty])");
  t.add("selector", selector_builtin, 2, SIZE_MAX, "(selector m option1 option2 …)");
}

}  // namespace dgen::lisp

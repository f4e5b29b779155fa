// Reductions (SPEC §2.4): sum, mean and max over all elements or along one axis, and
// cumsum along one axis. Every one of them sees its input as [outer, n, inner] (AxisSplit)
// and walks k = 0..n-1 for each (outer, inner) pair, so one evaluator and one emitter
// serve all seven ops. Sums accumulate in double (SPEC §1).
#include <functional>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/emit_util.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {
namespace {

enum class Kind { Sum, Mean, Max, Cumsum };

struct ReduceRule {
  const char* name;
  Kind kind;
  bool per_axis;  // attrs.ints[0] = axis (negative counts from the end); else all elements
};

// The semantics, one row each:
//   sum_all(x)       = Σ x over every element; shape [].
//   mean_all(x)      = sum_all(x) / numel(x); shape [].
//   max_all(x)       = the largest element; shape [].
//   sum_axis(x, a)   = Σ over axis a; the axis is removed from the shape (numpy default).
//   mean_axis(x, a)  = sum_axis(x, a) / shape[a].
//   max_axis(x, a)   = the largest element along axis a; the axis is removed.
//   cumsum(x, a)     = inclusive running sum along axis a: out[.., k, ..] = Σ_{j<=k} x[.., j, ..];
//                      same shape as x.
const ReduceRule kRules[] = {
    {"sum_all", Kind::Sum, false},  {"mean_all", Kind::Mean, false}, {"max_all", Kind::Max, false},
    {"sum_axis", Kind::Sum, true},  {"mean_axis", Kind::Mean, true}, {"max_axis", Kind::Max, true},
    {"cumsum", Kind::Cumsum, true},
};

AxisSplit split_of(const ReduceRule& rule, const Shape& in, const Attrs& a) {
  if (!rule.per_axis) return {1, numel(in), 1};
  return split_at(in, normalize_axis(a.ints.at(0), in, rule.name));
}

Shape result_shape(const ReduceRule& rule, const Shape& in, const Attrs& a) {
  if (!rule.per_axis) return {};
  if (a.ints.size() != 1) throw Error(std::string(rule.name) + ": expected one axis attribute");
  const int64_t axis = normalize_axis(a.ints[0], in, rule.name);
  if (rule.kind == Kind::Cumsum) return in;
  Shape out = in;
  out.erase(out.begin() + axis);
  return out;
}

void eval_reduce(const ReduceRule& rule, EvalCtx& c) {
  const AxisSplit s = split_of(rule, c.node.inputs[0]->shape, c.node.attrs);
  const double* x = c.in[0];
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t j = 0; j < s.inner; ++j) {
      auto at = [&](int64_t k) { return (o * s.n + k) * s.inner + j; };
      double acc = rule.kind == Kind::Max ? x[at(0)] : 0.0;
      for (int64_t k = 0; k < s.n; ++k) {
        if (rule.kind == Kind::Max) {
          if (x[at(k)] > acc) acc = x[at(k)];
        } else {
          acc += x[at(k)];
        }
        if (rule.kind == Kind::Cumsum) c.out[at(k)] = acc;
      }
      if (rule.kind == Kind::Mean) acc /= double(s.n);
      if (rule.kind != Kind::Cumsum) c.out[o * s.inner + j] = acc;
    }
}

// With the lanes innermost (EmitCtx::lanes, on the CPU): one accumulator per lane, each
// element's lanes read contiguously; a lane loop around the op read one float every L.
void emit_reduce_over_lanes(const ReduceRule& rule, EmitCtx& c, const AxisSplit& s,
                            const std::function<std::string(const std::string&)>& at) {
  const std::string x = c.in(0, at("k_")), out = c.out("o_ * " + str(s.inner) + " + j_");
  std::string type = "double", init = "acc_[l] = 0.0;", step, finish;
  switch (rule.kind) {
    case Kind::Max:
      type = "float";
      init = "acc_[l] = " + c.in(0, at("0")) + ";";
      step = "const float x_ = " + x + "; if (x_ > acc_[l]) acc_[l] = x_;";
      finish = out + " = acc_[l];";
      break;
    case Kind::Sum:
    case Kind::Mean:
      step = "acc_[l] += (double)" + x + ";";
      finish = out + " = (float)(acc_[l]" +
               (rule.kind == Kind::Mean ? " / " + c_literal(double(s.n)) : "") + ");";
      break;
    case Kind::Cumsum:
      step = "acc_[l] += (double)" + x + "; " + c.out(at("k_")) + " = (float)acc_[l];";
      break;
  }
  const std::string body = "{ " + type + " acc_[L]; " + lane_loop(c, init) + " " +
                           c_for("k_", s.n, lane_loop(c, step)) +
                           (finish.empty() ? "" : " " + lane_loop(c, finish)) + " }";
  c.line(c_for("o_", s.outer, c_for("j_", s.inner, body)));
}

void emit_reduce(const ReduceRule& rule, EmitCtx& c) {
  const AxisSplit s = split_of(rule, c.node.inputs[0]->shape, c.node.attrs);
  auto at = [&](const std::string& k) {
    return "(o_ * " + str(s.n) + " + " + k + ") * " + str(s.inner) + " + j_";
  };
  if (c.lanes) return emit_reduce_over_lanes(rule, c, s, at);
  const std::string x = c.in(0, at("k_"));
  std::string body;
  switch (rule.kind) {
    case Kind::Max:
      body = "float acc_ = " + c.in(0, at("0")) + "; " +
             c_for("k_", s.n, "const float x_ = " + x + "; if (x_ > acc_) acc_ = x_;") + " " +
             c.out("o_ * " + str(s.inner) + " + j_") + " = acc_;";
      break;
    case Kind::Sum:
    case Kind::Mean: {
      const std::string finish = c.out("o_ * " + str(s.inner) + " + j_") + " = (float)(acc_" +
                                 (rule.kind == Kind::Mean ? " / " + c_literal(double(s.n)) : "") +
                                 ");";
      // A sum of every element is shared by a GPU window's threads (emit_sum).
      if (!rule.per_axis) {
        c.line("{ const int64_t o_ = 0, j_ = 0; (void)o_; (void)j_;");
        emit_sum(c, str(s.n), "k_", x, finish,
                 [&](const std::string& body) { return c_sum_for("k_", s.n, body); });
        c.line("}");
        c.spread += c.cooperative ? 2 : 0;
        return;
      }
      body =
          "double acc_ = 0.0; " + c_sum_for("k_", s.n, "acc_ += (double)" + x + ";") + " " + finish;
      break;
    }
    case Kind::Cumsum:
      body = "double acc_ = 0.0; " +
             c_for("k_", s.n, "acc_ += (double)" + x + "; " + c.out(at("k_")) + " = (float)acc_;");
      break;
  }
  c.line(c_for("o_", s.outer, c_for("j_", s.inner, body)));
}

// Sums and means spread the adjoint back over the reduced elements; max gives it to the
// largest, split evenly on ties; cumsum's adjoint is a reversed cumsum (the total minus
// the running sum before each element).
void reduce_adjoint(const ReduceRule& rule, AdjointCtx& c) {
  if (!c.has_grad()) return;
  const Shape& in = c.node.inputs[0]->shape;
  int64_t axis = 0, count = numel(in);
  Shape kept(in.size(), 1);  // the result with the reduced axis kept (size 1)
  if (rule.per_axis) {
    axis = normalize_axis(c.node.attrs.ints[0], in, rule.name);
    kept = in;
    kept[size_t(axis)] = 1;
    count = in[size_t(axis)];
  }
  auto spread = [&](const Value& reduced) {
    return rule.per_axis ? reshape(reduced, kept) : reduced;
  };
  const Value g = c.grad();
  switch (rule.kind) {
    case Kind::Sum:
      c.add(0, spread(g));
      break;
    case Kind::Mean:
      c.add(0, spread(g) * (1.0 / double(count)));
      break;
    case Kind::Max: {
      const Value mask = eq(c.in(0), spread(c.out()));
      const Value ties = rule.per_axis ? reshape(sum_axis(mask, axis), kept) : sum(mask);
      c.add(0, mask * spread(g) / ties);
      break;
    }
    case Kind::Cumsum:
      c.add(0, reshape(sum_axis(g, axis), kept) - cumsum(g, axis) + g);
      break;
  }
}

void register_rule(const ReduceRule& rule) {
  OpDef op;
  op.name = rule.name;
  op.min_inputs = op.max_inputs = 1;
  op.shape = [&rule](const std::vector<Shape>& in, const Attrs& a) {
    return result_shape(rule, in[0], a);
  };
  op.eval = [&rule](EvalCtx& c) { eval_reduce(rule, c); };
  op.emit = [&rule](EmitCtx& c) { emit_reduce(rule, c); };
  op.reads_elements_once = rule.kind != Kind::Cumsum;
  op.lane_loops = true;
  op.adjoint = [&rule](AdjointCtx& c) { reduce_adjoint(rule, c); };
  register_op(std::move(op));
}

}  // namespace

void register_tensor_reduce_ops() {
  for (const ReduceRule& rule : kRules) register_rule(rule);
}

}  // namespace dgen

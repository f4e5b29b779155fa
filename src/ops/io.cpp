// Values the runtime provides: params, tensor literals, host inputs, outputs and the
// sample rate (SPEC §2.4 creation, §2.6).
#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "ir/op_table.hpp"
#include "ops/emit_util.hpp"

namespace dgen {
namespace {

Shape shape_from_ints(const std::vector<Shape>&, const Attrs& a) {
  for (int64_t d : a.ints)
    if (d < 1) throw Error("shape dimensions must be >= 1, got " + to_string(a.ints));
  return a.ints;
}

Rate frame_rate(const std::vector<Rate>&, const Attrs&) { return Rate::frame(); }

}  // namespace

void register_io_ops() {
  // param: attrs.ints = shape. Its storage is filled by the runtime before every run.
  OpDef param;
  param.name = "param";
  param.source = Source::Param;
  param.per_lane = true;
  param.shape = shape_from_ints;
  param.eval = [](EvalCtx& c) {
    const ParamData& p = *c.node.param;
    const int64_t n = c.node.size();
    const int64_t base = p.per_lane ? c.lane * n : 0;
    for (int64_t e = 0; e < n; ++e) c.out[e] = p.value.at(base + e);
  };
  param.emit = [](EmitCtx&) {};
  register_op(std::move(param));

  // tensor: a literal; attrs.ints = shape, data in node.data. Filled once at reset.
  OpDef literal;
  literal.name = "tensor";
  literal.source = Source::Literal;
  literal.zero_derivative = true;
  literal.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    return shape_from_ints(in, a);
  };
  literal.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = (*c.node.data)[e];
  };
  literal.emit = [](EmitCtx&) {};
  register_op(std::move(literal));

  // in: attrs.ints[0] = 1-based channel; zeros when the host gives none.
  OpDef in;
  in.name = "in";
  in.rate = frame_rate;
  in.zero_derivative = true;
  in.cheap = true;
  in.shape = [](const std::vector<Shape>&, const Attrs& a) {
    if (a.ints.size() != 1 || a.ints[0] < 1) throw Error("in: channel must be >= 1");
    return Shape{};
  };
  in.eval = [](EvalCtx& c) { c.out[0] = c.input(int(c.node.attrs.ints[0])); };
  in.emit = [](EmitCtx& c) {
    c.line(c.out("0") + " = " + c.input(int(c.node.attrs.ints[0])) + ";");
  };
  register_op(std::move(in));

  // out: attrs.ints[0] = 1-based channel. Writes its input to the host every frame and
  // passes it on as its own value.
  OpDef out;
  out.name = "out";
  out.per_lane = true;
  out.min_inputs = out.max_inputs = 1;
  out.rate = frame_rate;
  out.cheap = true;
  out.shape = [](const std::vector<Shape>& in, const Attrs& a) {
    // Channel 0 marks a value a Program renders that is not an out() of the patch.
    if (a.ints.size() != 1 || a.ints[0] < 0) throw Error("out: channel must be >= 1");
    return in[0];
  };
  out.eval = [](EvalCtx& c) {
    for (int64_t e = 0; e < c.node.size(); ++e) c.out[e] = c.in[0][e];
    c.output(c.out);
  };
  out.adjoint = [](AdjointCtx& c) { c.add(0, c.grad()); };
  out.emit = [](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e",
              c.out("e") + " = " + c.in(0, "e") + "; " + c.output("e") + " = " + c.out("e") + ";");
  };
  out.linear = Linear::Pass;
  register_op(std::move(out));

  OpDef sr;
  sr.name = "samplerate";
  sr.zero_derivative = true;
  sr.shape = [](const std::vector<Shape>&, const Attrs&) { return Shape{}; };
  sr.eval = [](EvalCtx& c) { c.out[0] = c.sr; };
  sr.emit = [](EmitCtx& c) { c.line(c.out("0") + " = (float)" + c.sr + ";"); };
  register_op(std::move(sr));
}

}  // namespace dgen

// Views (SPEC §2.4): reshape, transpose, shrink, pad, expand, repeat. Every output element
// of a view is one input element (or a padded zero), so each op here only describes
// WHICH element: an AxisMap. One evaluator and one emitter serve all six ops, and an
// adjoint rule is the same map read backwards (scatter-add into the input).
//
// A view is computed into its own storage (a copy, not an alias): every later pass then
// sees an ordinary node with its own buffer. Only a GPU window's readers compute a view
// of a value of their own window where they read it (OpDef::element), not from a copy.
#include <algorithm>
#include <numeric>

#include "autodiff/adjoint.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "ops/emit_util.hpp"
#include "ops/tensor_ops.hpp"

namespace dgen {
namespace {

// One axis of the walk over the output's elements (row-major, the first axis slowest) and
// how it moves through the input: output coordinate c along this axis reads input
// coordinate c + shift, taken modulo `modulus` when that is > 0, which adds
// (that) * stride to the input's flat index. When `bound` > 0 the shifted coordinate must
// lie in [0, bound), otherwise the element is 0.
struct Axis {
  int64_t size = 1;
  int64_t stride = 0;
  int64_t shift = 0;
  int64_t modulus = 0;
  int64_t bound = 0;
};
using AxisMap = std::vector<Axis>;

struct ViewRule {
  const char* name;
  Shape (*shape)(const Shape& in, const Attrs& attrs);  // throws dgen::Error
  AxisMap (*axes)(const Shape& in, const Shape& out, const Attrs& attrs);
  void (*adjoint)(AdjointCtx& c);  // the map read backwards, as views of the adjoint
  bool repeats = false;            // an input element appears in several outputs
};

// ---- adjoints: each view's adjoint undoes its map (a reduction where it repeats) ------

const Shape& input_shape(const AdjointCtx& c) { return c.node.inputs[0]->shape; }

// Pairs (a[2d], a[2d + 1]) of a flattened list, one per dimension.
std::vector<std::pair<int64_t, int64_t>> pairs_of(const std::vector<int64_t>& a) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (size_t d = 0; d + 1 < a.size(); d += 2) out.push_back({a[d], a[d + 1]});
  return out;
}

void reshape_adjoint(AdjointCtx& c) { c.add(0, reshape(c.grad(), input_shape(c))); }

void transpose_adjoint(AdjointCtx& c) {
  std::vector<int64_t> inverse(c.node.attrs.ints.size());
  for (size_t d = 0; d < inverse.size(); ++d) inverse[size_t(c.node.attrs.ints[d])] = int64_t(d);
  c.add(0, transpose(c.grad(), inverse));
}

void shrink_adjoint(AdjointCtx& c) {
  auto ranges = pairs_of(c.node.attrs.ints);
  for (size_t d = 0; d < ranges.size(); ++d)
    ranges[d] = {ranges[d].first, input_shape(c)[d] - ranges[d].second};
  c.add(0, pad(c.grad(), ranges));
}

void pad_adjoint(AdjointCtx& c) {
  auto ranges = pairs_of(c.node.attrs.ints);
  for (size_t d = 0; d < ranges.size(); ++d)
    ranges[d] = {ranges[d].first, ranges[d].first + input_shape(c)[d]};
  c.add(0, shrink(c.grad(), ranges));
}

// add() sums an adjoint over broadcast dimensions, which is expand's adjoint.
void expand_adjoint(AdjointCtx& c) { c.add(0, c.grad()); }

// The adjoint as [r0, s0, r1, s1, ...] (tile index, then position), summed over the tiles.
void repeat_adjoint(AdjointCtx& c) {
  Shape tiled, summed;
  for (size_t d = 0; d < input_shape(c).size(); ++d) {
    tiled.insert(tiled.end(), {c.node.attrs.ints[d], input_shape(c)[d]});
    summed.insert(summed.end(), {1, input_shape(c)[d]});
  }
  c.add(0, reshape(make("sum_to", {reshape(c.grad(), tiled)}, {summed, {}}), input_shape(c)));
}

// The input element that output element `flat` reads, or -1 for a padded zero.
int64_t source_index(const AxisMap& axes, int64_t flat) {
  int64_t index = 0;
  for (size_t k = axes.size(); k-- > 0;) {
    const Axis& a = axes[k];
    int64_t c = flat % a.size + a.shift;
    flat /= a.size;
    if (a.bound > 0 && (c < 0 || c >= a.bound)) return -1;
    if (a.modulus > 0) c %= a.modulus;
    index += c * a.stride;
  }
  return index;
}

// The same as C: the index expression and the in-bounds condition ("" when always true)
// for the output flat index expression `flat`.
std::pair<std::string, std::string> source_index_expr(const AxisMap& axes,
                                                      const std::string& flat) {
  std::string index, cond;
  int64_t inner = 1;
  for (size_t k = axes.size(); k-- > 0;) {
    const Axis& a = axes[k];
    std::string c = "0";
    if (a.size > 1) {
      c = inner == 1 ? "(" + flat + ")" : "((" + flat + ") / " + str(inner) + ")";
      if (k > 0) c = "(" + c + " % " + str(a.size) + ")";
    }
    inner *= a.size;
    if (a.shift != 0) c = "(" + c + " + " + str(a.shift) + ")";
    if (a.bound > 0 && (a.shift != 0 || a.size > a.bound))  // else never outside
      cond += (cond.empty() ? "" : " && ") + c + " >= 0 && " + c + " < " + str(a.bound);
    if (a.modulus > 0) c = "(" + c + " % " + str(a.modulus) + ")";
    if (a.stride == 0 || c == "0") continue;
    index += (index.empty() ? "" : " + ") + (a.stride == 1 ? c : c + " * " + str(a.stride));
  }
  return {index.empty() ? "0" : index, cond};
}

// reshape: attrs.ints = the new shape, with as many elements as the input. Row-major order
// is kept: output element e is input element e.
const ViewRule kReshape{"reshape",
                        [](const Shape& in, const Attrs& a) {
                          check_dims("reshape", a.ints);
                          if (numel(a.ints) != numel(in))
                            throw Error("reshape: cannot reshape " + to_string(in) + " (" +
                                        std::to_string(numel(in)) + " elements) to " +
                                        to_string(a.ints) + " (" + std::to_string(numel(a.ints)) +
                                        " elements)");
                          return a.ints;
                        },
                        [](const Shape&, const Shape& out, const Attrs&) {
                          return AxisMap{{numel(out), 1}};
                        },
                        reshape_adjoint};

// transpose: attrs.ints = a permutation of the input axes; output axis d is input axis
// axes[d] (out.shape[d] = in.shape[axes[d]]). The API fills in the reversal by default.
const ViewRule kTranspose{
    "transpose",
    [](const Shape& in, const Attrs& a) {
      std::vector<int64_t> sorted = a.ints;
      std::sort(sorted.begin(), sorted.end());
      std::vector<int64_t> identity(in.size());
      std::iota(identity.begin(), identity.end(), 0);
      if (sorted != identity)
        throw Error("transpose: axes " + to_string(a.ints) + " are not a permutation of the " +
                    std::to_string(in.size()) + " axes of shape " + to_string(in));
      Shape out;
      for (int64_t d : a.ints) out.push_back(in[d]);
      return out;
    },
    [](const Shape& in, const Shape&, const Attrs& a) {
      const Shape stride = strides_of(in);
      AxisMap axes;
      for (int64_t d : a.ints) axes.push_back({in[d], stride[d]});
      return axes;
    },
    transpose_adjoint};

// The (first, second) pairs of a flattened list of pairs, checked to be one per dimension.
void check_pairs(const char* op, const char* what, const Shape& in, const Attrs& a) {
  if (a.ints.size() != 2 * in.size())
    throw Error(std::string(op) + ": " + std::to_string(a.ints.size() / 2) + " " + what +
                " for shape " + to_string(in) + ", need one per dimension (" +
                std::to_string(in.size()) + ")");
}

// shrink: attrs.ints = lo0, hi0, lo1, hi1, ...: keeps [lo, hi) of every dimension.
const ViewRule kShrink{"shrink",
                       [](const Shape& in, const Attrs& a) {
                         check_pairs("shrink", "ranges", in, a);
                         Shape out;
                         for (size_t d = 0; d < in.size(); ++d) {
                           const int64_t lo = a.ints[2 * d], hi = a.ints[2 * d + 1];
                           if (lo < 0 || hi > in[d] || lo >= hi)
                             throw Error("shrink: range [" + std::to_string(lo) + ", " +
                                         std::to_string(hi) + ") of dimension " +
                                         std::to_string(d) + " is empty or outside [0, " +
                                         std::to_string(in[d]) + ") of shape " + to_string(in));
                           out.push_back(hi - lo);
                         }
                         return out;
                       },
                       [](const Shape& in, const Shape& out, const Attrs& a) {
                         const Shape stride = strides_of(in);
                         AxisMap axes;
                         for (size_t d = 0; d < in.size(); ++d)
                           axes.push_back({out[d], stride[d], a.ints[2 * d]});
                         return axes;
                       },
                       shrink_adjoint};

// pad: attrs.ints = before0, after0, before1, after1, ...: zeros added on each side.
const ViewRule kPad{"pad",
                    [](const Shape& in, const Attrs& a) {
                      check_pairs("pad", "paddings", in, a);
                      Shape out;
                      for (size_t d = 0; d < in.size(); ++d) {
                        const int64_t before = a.ints[2 * d], after = a.ints[2 * d + 1];
                        if (before < 0 || after < 0)
                          throw Error("pad: padding (" + std::to_string(before) + ", " +
                                      std::to_string(after) + ") of dimension " +
                                      std::to_string(d) + " of shape " + to_string(in) +
                                      " is negative");
                        out.push_back(in[d] + before + after);
                      }
                      return out;
                    },
                    [](const Shape& in, const Shape& out, const Attrs& a) {
                      const Shape stride = strides_of(in);
                      AxisMap axes;
                      for (size_t d = 0; d < in.size(); ++d)
                        axes.push_back({out[d], stride[d], -a.ints[2 * d], 0, in[d]});
                      return axes;
                    },
                    pad_adjoint};

// expand: attrs.ints = the target shape; numpy broadcasting of the input to it (new
// leading axes, and axes of size 1 stretched).
const ViewRule kExpand{
    "expand",
    [](const Shape& in, const Attrs& a) {
      check_dims("expand", a.ints);
      const Shape& out = a.ints;
      bool ok = out.size() >= in.size();
      for (size_t d = 0; ok && d < in.size(); ++d) {
        const int64_t dim = in[in.size() - 1 - d];
        ok = dim == 1 || dim == out[out.size() - 1 - d];
      }
      if (!ok)
        throw Error("expand: cannot expand " + to_string(in) + " to " + to_string(out) +
                    " (each dimension must match or be 1)");
      return out;
    },
    [](const Shape& in, const Shape& out, const Attrs&) {
      const Shape stride = strides_of(in);
      const size_t lead = out.size() - in.size();
      AxisMap axes;
      for (size_t d = 0; d < out.size(); ++d)
        axes.push_back({out[d], d < lead || in[d - lead] == 1 ? 0 : stride[d - lead]});
      return axes;
    },
    expand_adjoint,
    true,
};

// repeat: attrs.ints = repetitions per dimension (like numpy.tile with one count per
// dimension): output coordinate c along d reads input coordinate c mod in.shape[d].
const ViewRule kRepeat{
    "repeat",
    [](const Shape& in, const Attrs& a) {
      if (a.ints.size() != in.size())
        throw Error("repeat: " + std::to_string(a.ints.size()) + " repeat counts " +
                    to_string(a.ints) + " for shape " + to_string(in) +
                    ", need one per dimension (" + std::to_string(in.size()) + ")");
      Shape out;
      for (size_t d = 0; d < in.size(); ++d) {
        if (a.ints[d] < 1)
          throw Error("repeat: repeat counts must be >= 1, got " + to_string(a.ints));
        out.push_back(in[d] * a.ints[d]);
      }
      return out;
    },
    [](const Shape& in, const Shape& out, const Attrs&) {
      const Shape stride = strides_of(in);
      AxisMap axes;
      for (size_t d = 0; d < in.size(); ++d) axes.push_back({out[d], stride[d], 0, in[d]});
      return axes;
    },
    repeat_adjoint,
    true,
};

void register_view(const ViewRule& rule) {
  OpDef op;
  op.name = rule.name;
  op.min_inputs = op.max_inputs = 1;
  op.shape = [shape = rule.shape](const std::vector<Shape>& in, const Attrs& a) {
    return shape(in[0], a);
  };
  op.eval = [axes_of = rule.axes](EvalCtx& c) {
    const AxisMap axes = axes_of(c.node.inputs[0]->shape, c.node.shape, c.node.attrs);
    for (int64_t e = 0; e < c.node.size(); ++e) {
      const int64_t src = source_index(axes, e);
      c.out[e] = src < 0 ? 0.0 : c.in[0][src];
    }
  };
  op.adjoint = rule.adjoint;
  op.element_repeats = rule.repeats;
  op.lane_loops = true;
  op.element = [axes_of = rule.axes](EmitCtx& c, const std::string& flat) {
    const auto [index, cond] =
        source_index_expr(axes_of(c.node.inputs[0]->shape, c.node.shape, c.node.attrs), flat);
    return cond.empty() ? c.in(0, index) : "(" + cond + ") ? " + c.in(0, index) + " : 0.0f";
  };
  op.emit = [element = op.element](EmitCtx& c) {
    emit_loop(c, c.node.size(), "e", c.out("e") + " = " + element(c, "e") + ";",
              /*independent=*/true);
  };
  register_op(std::move(op));
}

}  // namespace

void register_tensor_view_ops() {
  for (const ViewRule* rule : {&kReshape, &kTranspose, &kShrink, &kPad, &kExpand, &kRepeat})
    register_view(*rule);
}

}  // namespace dgen

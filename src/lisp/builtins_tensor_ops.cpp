// Tensor operators (SPEC §2.4): views, reductions, linear algebra and reads. Their
// settings (@shape, @axes, @ranges, @padding, @repeats, @axis) may also be given as a
// second positional argument: (reshape x [4 2]) = (reshape x @shape [4 2]).
#include "dgen/ops_audio.hpp"
#include "lisp/builtins.hpp"
#include "lisp/limits.hpp"

namespace dgen::lisp {
namespace {

constexpr int64_t kMaxAxis = 64;

// The setting `name`: argument 2 or the attribute (exactly one of them).
Datum setting(Call& c, std::string_view name, bool required) {
  if (c.size() > 1) {
    if (c.has(name))
      c.fail_at(c.attr_pos(name), c.op() + ": " + std::string(name) +
                                      " is given both as argument 2 and as @" + std::string(name));
    return c.arg(1);
  }
  if (!c.has(name) && required) c.fail(c.op() + " needs @" + std::string(name));
  return c.attr(name);
}

Pos setting_pos(Call& c, std::string_view name) {
  return c.size() > 1 ? c.arg_pos(1) : c.attr_pos(name);
}

std::string setting_name(Call& c, std::string_view name) {
  return c.op() + ": @" + std::string(name);
}

Shape shape_setting(Call& c, std::string_view name) {
  return c.as_shape(setting(c, name, true), setting_pos(c, name), setting_name(c, name));
}

std::vector<int64_t> integers_setting(Call& c, std::string_view name) {
  return c.as_integers(setting(c, name, true), setting_pos(c, name), setting_name(c, name));
}

std::optional<int64_t> axis_setting(Call& c, bool required) {
  const Datum d = setting(c, "axis", required);
  if (d.is_nothing()) return std::nullopt;
  return c.as_integer(d, setting_pos(c, "axis"), setting_name(c, "axis"), -kMaxAxis, kMaxAxis);
}

std::vector<std::pair<int64_t, int64_t>> ranges_setting(Call& c, std::string_view name) {
  const Datum d = setting(c, name, true);
  const Pos at = setting_pos(c, name);
  const List* list = d.get<List>();
  if (!list)
    c.fail_at(at, setting_name(c, name) + " must be a [list] of ranges like [0:2 1:3], got " +
                      describe(d));
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const Datum& item : list->items) {
    const Range* r = item.get<Range>();
    if (!r)
      c.fail_at(at, setting_name(c, name) + " must hold ranges like 0:2, got " + describe(item));
    out.emplace_back(r->start, r->end);
  }
  return out;
}

Padding padding_setting(Call& c) {
  const std::string p = c.attr_word("padding", "valid");
  if (p == "valid") return Padding::Valid;
  if (p == "same") return Padding::Same;
  c.fail_at(c.attr_pos("padding"), c.op() + ": @padding must be same or valid, got " + p);
}

Datum transpose_builtin(Call& c) {
  if (c.size() < 2 && !c.has("axes")) return transpose(c.value(0));
  return transpose(c.value(0), integers_setting(c, "axes"));
}

// (sum x) over everything, (sum x @axis k) along one axis; mean likewise.
template <Value (*All)(const Value&), Value (*Along)(const Value&, int64_t)>
Datum reduce(Call& c) {
  const std::optional<int64_t> axis = axis_setting(c, false);
  return axis ? Along(c.value(0), *axis) : All(c.value(0));
}

template <Value (*Along)(const Value&, int64_t)>
Datum reduce_axis(Call& c) {
  return Along(c.value(0), *axis_setting(c, true));
}

template <Value (*Op)(const Value&, int64_t)>
Datum along_last_by_default(Call& c) {
  return Op(c.value(0), axis_setting(c, false).value_or(-1));
}

template <Value (*Conv)(const Value&, const Value&, Padding)>
Datum conv(Call& c) {
  return Conv(c.value(0), c.value(1), padding_setting(c));
}

Value sum_all(const Value& x) { return sum(x); }
Value mean_all(const Value& x) { return mean(x); }

// @mode clamp (the default) or wrap.
bool wraps(Call& c) {
  const std::string mode = c.attr_word("mode", "clamp");
  if (mode != "clamp" && mode != "wrap")
    c.fail_at(c.attr_pos("mode"), c.op() + ": @mode must be clamp or wrap, got '" + mode + "'");
  return mode == "wrap";
}

Value channel_arg(Call& c, size_t i) { return c.size() > i ? c.value(i) : Value(0.0); }

// A history cell as argument i, or nullptr when it is something else.
const HistoryCell* cell_arg(Call& c, size_t i) { return c.arg(i).get<HistoryCell>(); }

// (peek t index [channel]) reads a tensor, or a history cell in place (written by poke).
Datum peek_builtin(Call& c) {
  if (const HistoryCell* cell = cell_arg(c, 0)) {
    if (wraps(c))
      c.fail_at(c.attr_pos("mode"), "peek: a history cell is read with @mode clamp only");
    return cell_peek(cell->cell, c.value(1), channel_arg(c, 2));
  }
  return (wraps(c) ? peek_wrap : peek)(c.value(0), c.value(1), channel_arg(c, 2));
}

Datum sample_builtin(Call& c) {
  return (wraps(c) ? sample_wrap : sample)(c.value(0), c.value(1), channel_arg(c, 2));
}

// (poke cell index value [channel]): writes into a history cell (docs/LANGUAGE.md, poke).
Datum poke_builtin(Call& c) {
  const HistoryCell* cell = cell_arg(c, 0);
  if (!cell)
    c.fail_at(c.arg_pos(0),
              "poke: argument 1 must be a history cell (make-history name @shape "
              "[n]), got " +
                  describe(c.arg(0)));
  return cell_poke(cell->cell, c.value(1), c.value(2), channel_arg(c, 3));
}

}  // namespace

void add_tensor_op_builtins(Builtins& t) {
  t.add("reshape", [](Call& c) -> Datum { return reshape(c.value(0), shape_setting(c, "shape")); },
        1, 2, "(reshape x @shape [d …])", {"shape"});
  t.add("transpose", transpose_builtin, 1, 2, "(transpose x [@axes [a …]])", {"axes"});
  t.add("shrink", [](Call& c) -> Datum { return shrink(c.value(0), ranges_setting(c, "ranges")); },
        1, 2, "(shrink x @ranges [start:end …])", {"ranges"});
  t.add("pad", [](Call& c) -> Datum { return pad(c.value(0), ranges_setting(c, "padding")); }, 1, 2,
        "(pad x @padding [before:after …])", {"padding"});
  t.add("expand", [](Call& c) -> Datum { return expand(c.value(0), shape_setting(c, "shape")); }, 1,
        2, "(expand x @shape [d …])", {"shape"});
  t.add("repeat",
        [](Call& c) -> Datum { return repeat(c.value(0), integers_setting(c, "repeats")); }, 1, 2,
        "(repeat x @repeats [r …])", {"repeats"});
  t.add("sum", reduce<sum_all, sum_axis>, 1, 2, "(sum x [@axis k])", {"axis"});
  t.add("mean", reduce<mean_all, mean_axis>, 1, 2, "(mean x [@axis k])", {"axis"});
  t.add("sum-axis", reduce_axis<sum_axis>, 1, 2, "(sum-axis x @axis k)", {"axis"});
  t.add("mean-axis", reduce_axis<mean_axis>, 1, 2, "(mean-axis x @axis k)", {"axis"});
  t.add("max-axis", reduce_axis<max_axis>, 1, 2, "(max-axis x @axis k)", {"axis"});
  t.add("softmax", along_last_by_default<softmax>, 1, 2, "(softmax x [@axis k])", {"axis"});
  t.add("cumsum", along_last_by_default<cumsum>, 1, 2, "(cumsum x [@axis k])", {"axis"});
  t.add(
      "matmul", [](Call& c) -> Datum { return matmul(c.value(0), c.value(1)); }, 2, 2,
      "(matmul a b)");
  t.add("conv1d", conv<conv1d>, 2, 2, "(conv1d x kernel [@padding same|valid])", {"padding"});
  t.add("conv2d", conv<conv2d>, 2, 2, "(conv2d x kernel [@padding same|valid])", {"padding"});
  t.add("peek", peek_builtin, 2, 3, "(peek tensor-or-history index [channel] [@mode clamp|wrap])",
        {"mode"});
  t.add("sample", sample_builtin, 2, 3, "(sample tensor phase [channel] [@mode clamp|wrap])",
        {"mode"});
  t.add(
      "windows",
      [](Call& c) -> Datum {
        return windows(c.value(0), c.integer(1, 1, kMaxElements), c.integer(2, 1, kMaxElements));
      },
      3, 3, "(windows x kh kw)");
  t.add("poke", poke_builtin, 3, 4, "(poke history index value [channel])");
  t.add(
      "peek-row", [](Call& c) -> Datum { return peek_row(c.value(0), c.value(1)); }, 2, 2,
      "(peek-row tensor row)");
  t.add(
      "gather", [](Call& c) -> Datum { return gather(c.value(0), c.value(1)); }, 2, 2,
      "(gather tensor indices)");
  t.add(
      "to-signal", [](Call& c) -> Datum { return to_signal(c.value(0)); }, 1, 1,
      "(to-signal tensor)");
  t.alias("sumaxis", "sum-axis");
  t.alias("meanaxis", "mean-axis");
  t.alias("maxaxis", "max-axis");
  t.alias("peekrow", "peek-row");
  t.alias("tosignal", "to-signal");
  t.alias("cumulative-sum", "cumsum");
}

}  // namespace dgen::lisp

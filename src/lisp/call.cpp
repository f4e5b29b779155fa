// Call: argument and attribute access with typed, positioned errors.
#include "lisp/call.hpp"

#include <cmath>
#include <cstdint>

#include "lisp/limits.hpp"
#include "lisp/patch.hpp"
#include "lisp/rate_fold.hpp"
#include "lisp/tensor_data.hpp"

namespace dgen::lisp {

Call::Call(const SExpr& form, LoadContext& context, Evaluate evaluate)
    : form_(form), context_(context), evaluate_(std::move(evaluate)), op_(form.items.at(0).text) {
  for (size_t i = 1; i < form.items.size(); ++i) {
    const SExpr& item = form.items[i];
    if (item.kind != SExpr::Kind::Attribute) {
      args_.push_back(&item);
      continue;
    }
    if (i + 1 >= form.items.size() || form.items[i + 1].kind == SExpr::Kind::Attribute)
      fail_at(item.pos, "attribute @" + item.text + " needs a value");
    if (find(item.text)) fail_at(item.pos, "attribute @" + item.text + " is given twice");
    attrs_.push_back({item.text, &form.items[i + 1], item.pos});
    ++i;
  }
  values_.resize(args_.size());
}

void Call::fail(const std::string& message) const { fail_at(form_.pos, message); }

void Call::fail_at(Pos at, const std::string& message) const {
  throw PatchError(context_.file, at.line, at.col, message);
}

const Datum& Call::arg(size_t i) {
  if (!values_.at(i)) values_[i] = evaluate_(*args_[i]);
  return *values_[i];
}

void Call::evaluate_all() {
  for (size_t i = 0; i < args_.size(); ++i) arg(i);
}

void Call::expect_arity(size_t min, size_t max, const char* usage) const {
  const size_t n = args_.size();
  if (n >= min && n <= max) return;
  std::string expected;
  if (min == max)
    expected = std::to_string(min);
  else if (max == SIZE_MAX)
    expected = "at least " + std::to_string(min);
  else
    expected = std::to_string(min) + " to " + std::to_string(max);
  const char* noun = (min == max && min == 1) ? " argument" : " arguments";
  fail(op_ + " expects " + expected + noun + ", got " + std::to_string(n) + ": " + usage);
}

std::string Call::argument_name(size_t i) const {
  return op_ + ": argument " + std::to_string(i + 1);
}

Datum Call::numeric(size_t i) { return as_numeric(arg(i), arg_pos(i), argument_name(i)); }
double Call::number(size_t i) { return as_number(arg(i), arg_pos(i), argument_name(i)); }
int64_t Call::integer(size_t i, int64_t lo, int64_t hi) {
  return as_integer(arg(i), arg_pos(i), argument_name(i), lo, hi);
}
Shape Call::shape(size_t i) { return as_shape(arg(i), arg_pos(i), argument_name(i)); }

const Call::Attribute* Call::find(std::string_view name) const {
  for (const Attribute& a : attrs_)
    if (a.name == name) return &a;
  return nullptr;
}

void Call::expect_attributes(const std::vector<std::string_view>& accepted) const {
  for (const Attribute& a : attrs_) {
    bool known = false;
    for (std::string_view name : accepted) known = known || a.name == name;
    if (known) continue;
    std::string list;
    for (std::string_view name : accepted) list += (list.empty() ? "@" : ", @") + std::string(name);
    fail_at(a.pos, op_ + " has no attribute @" + a.name +
                       (accepted.empty() ? " (it takes none)" : " (it accepts " + list + ")"));
  }
}

Pos Call::attr_pos(std::string_view name) const {
  const Attribute* a = find(name);
  return a ? a->value->pos : form_.pos;
}

Datum Call::attr(std::string_view name) {
  const Attribute* a = find(name);
  return a ? evaluate_(*a->value) : Datum();
}

std::optional<Value> Call::attr_value(std::string_view name) {
  const Attribute* a = find(name);
  if (!a) return std::nullopt;
  return as_numeric(evaluate_(*a->value), a->value->pos, op_ + ": @" + a->name).value();
}

double Call::attr_number(std::string_view name, double fallback) {
  const Attribute* a = find(name);
  return a ? as_number(evaluate_(*a->value), a->value->pos, op_ + ": @" + a->name) : fallback;
}

int64_t Call::attr_integer(std::string_view name, int64_t fallback, int64_t lo, int64_t hi) {
  const Attribute* a = find(name);
  return a ? as_integer(evaluate_(*a->value), a->value->pos, op_ + ": @" + a->name, lo, hi)
           : fallback;
}

std::string Call::attr_word(std::string_view name, const std::string& fallback) {
  const Attribute* a = find(name);
  if (!a) return fallback;
  switch (a->value->kind) {
    case SExpr::Kind::Symbol:
    case SExpr::Kind::String:
      return a->value->text;
    case SExpr::Kind::Number:
      return format_number(a->value->number);
    default:
      fail_at(a->value->pos,
              op_ + ": @" + a->name + " expects a word, got " + describe(a->value->kind));
  }
}

Shape Call::attr_shape(std::string_view name) {
  const Attribute* a = find(name);
  if (!a) fail(op_ + " needs @" + std::string(name));
  return as_shape(evaluate_(*a->value), a->value->pos, op_ + ": @" + a->name);
}

// A [list] of numbers where a value is expected is a tensor literal: (conv1d x [1 -1]).
Datum Call::as_numeric(const Datum& d, Pos at, const std::string& what) const {
  if (d.get<List>()) {
    try {
      TensorData data = tensor_from_list(d);
      charge_elements(int64_t(data.values.size()));
      return tensor(data.shape, std::move(data.values));
    } catch (const PatchError&) {
      throw;
    } catch (const Error& e) {
      fail_at(at, what + ": a [list] used as a tensor must hold numbers: " + e.what());
    }
  }
  if (!d.is_numeric()) fail_at(at, what + " must be a signal or a number, got " + describe(d));
  return d;
}

double Call::as_number(const Datum& d, Pos at, const std::string& what) const {
  if (!d.is_number())
    fail_at(at, what + " must be a number known when the patch loads, got " + describe(d));
  return d.number();
}

int64_t Call::as_integer(const Datum& d, Pos at, const std::string& what, int64_t lo,
                         int64_t hi) const {
  if (d.is_value()) return rate_size(d.value(), at, what, lo, hi);
  const double x = as_number(d, at, what);
  const std::string range = " in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!(x == std::floor(x) && x >= double(lo) && x <= double(hi)))
    fail_at(at, what + " must be an integer" + range + ", got " + format_number(x));
  return static_cast<int64_t>(x);
}

// A size that is an expression of the sample rate, at the patch's maximum rate, rounded
// up (docs/LANGUAGE.md, "Sizes in seconds").
int64_t Call::rate_size(const Value& v, Pos at, const std::string& what, int64_t lo,
                        int64_t hi) const {
  const std::optional<double> x = fold_at_rate(v, context_.max_sample_rate);
  if (!x)
    fail_at(at, what + " must be a number known when the patch loads, got " + describe(Datum(v)) +
                    " (a size may also be an expression of samplerate and numbers)");
  const double size = std::ceil(*x - 1e-9 * std::fabs(*x));
  if (!(size >= double(lo) && size <= double(hi)))
    fail_at(at, what + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "], got " + format_number(*x) + " at the maximum sample rate " +
                    format_number(context_.max_sample_rate) + " Hz");
  if (!context_.first_rate_size) context_.first_rate_size = at;
  return static_cast<int64_t>(size);
}

std::vector<int64_t> Call::as_integers(const Datum& d, Pos at, const std::string& what) const {
  std::vector<int64_t> out;
  if (const List* list = d.get<List>()) {
    for (const Datum& item : list->items)
      out.push_back(as_integer(item, at, what, -kMaxElements, kMaxElements));
    return out;
  }
  out.push_back(as_integer(d, at, what, -kMaxElements, kMaxElements));
  return out;
}

Shape Call::as_shape(const Datum& d, Pos at, const std::string& what) const {
  Shape shape;
  if (const List* list = d.get<List>()) {
    for (const Datum& item : list->items)
      shape.push_back(as_integer(item, at, what + " dimension", 1, kMaxElements));
  } else if (d.is_numeric()) {
    shape.push_back(as_integer(d, at, what, 1, kMaxElements));
  } else {
    fail_at(at, what + " must be a shape like [4 2], got " + describe(d));
  }
  int64_t n = 1;
  for (int64_t dim : shape) {
    n *= dim;  // each factor <= 2^24 and n <= 2^24 before, so no overflow
    if (n > kMaxElements)
      fail_at(at, what + ": shape " + to_string(shape) + " has more than " +
                      std::to_string(kMaxElements) + " elements");
  }
  return shape;
}

void Call::charge_elements(int64_t n) const {
  context_.literal_elements += n;
  if (n > kMaxElements || context_.literal_elements > kMaxTotalElements)
    fail("tensor data too large: a patch may hold at most " + std::to_string(kMaxTotalElements) +
         " literal elements (" + std::to_string(kMaxElements) + " per tensor)");
}

}  // namespace dgen::lisp

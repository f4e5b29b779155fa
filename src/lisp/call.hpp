// One evaluation of a form `(op arg… @attr value…)`: its positional arguments (evaluated
// once, on first use), its attributes (evaluated on demand, since some are plain words
// like `@name audio`), and typed accessors that raise positioned errors saying what was
// expected.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lisp/datum.hpp"
#include "lisp/sexpr.hpp"

namespace dgen::lisp {

// Shared by every call of one load: the source file and the budget for literal data.
struct LoadContext {
  std::string file;
  std::string base_dir;  // where relative @file paths start
  int64_t literal_elements = 0;
  // Sizes written as expressions of `samplerate` are evaluated at this rate, the most a
  // patch renders at (docs/LANGUAGE.md, "Sizes in seconds"); `(max-samplerate r)` sets it.
  double max_sample_rate = 96000;
  std::optional<Pos> first_rate_size = {};  // where a size first depended on the rate
};

class Call {
 public:
  using Evaluate = std::function<Datum(const SExpr&)>;

  // Splits form.items[1...] into positional arguments and `@name value` attributes.
  Call(const SExpr& form, LoadContext& context, Evaluate evaluate);

  const std::string& op() const { return op_; }
  Pos pos() const { return form_.pos; }
  LoadContext& context() const { return context_; }

  [[noreturn]] void fail(const std::string& message) const;  // at the form
  [[noreturn]] void fail_at(Pos pos, const std::string& message) const;

  // ---- positional arguments
  size_t size() const { return args_.size(); }
  const SExpr& raw(size_t i) const { return *args_.at(i); }
  Pos arg_pos(size_t i) const { return args_.at(i)->pos; }
  const Datum& arg(size_t i);
  void evaluate_all();
  void expect_arity(size_t min, size_t max, const char* usage) const;  // max SIZE_MAX = any

  Datum numeric(size_t i);  // a number or a graph value
  Value value(size_t i) { return numeric(i).value(); }
  double number(size_t i);  // known when the patch loads
  int64_t integer(size_t i, int64_t lo, int64_t hi);
  Shape shape(size_t i);  // [d1 d2 …] or a single dimension

  // ---- attributes
  bool has(std::string_view name) const { return find(name) != nullptr; }
  void expect_attributes(const std::vector<std::string_view>& accepted) const;
  Datum attr(std::string_view name);  // evaluated; nothing when absent
  std::optional<Value> attr_value(std::string_view name);
  double attr_number(std::string_view name, double fallback);
  int64_t attr_integer(std::string_view name, int64_t fallback, int64_t lo, int64_t hi);
  // A plain word: a symbol, string or number, taken literally (not evaluated).
  std::string attr_word(std::string_view name, const std::string& fallback);
  Shape attr_shape(std::string_view name);
  Pos attr_pos(std::string_view name) const;

  // ---- conversions shared by arguments and attributes; `what` names the slot
  Datum as_numeric(const Datum& d, Pos at, const std::string& what) const;
  double as_number(const Datum& d, Pos at, const std::string& what) const;
  int64_t as_integer(const Datum& d, Pos at, const std::string& what, int64_t lo, int64_t hi) const;
  std::vector<int64_t> as_integers(const Datum& d, Pos at, const std::string& what) const;
  Shape as_shape(const Datum& d, Pos at, const std::string& what) const;
  int64_t rate_size(const Value& v, Pos at, const std::string& what, int64_t lo, int64_t hi) const;

  // Counts literal elements against the patch's budget (fails when exceeded).
  void charge_elements(int64_t n) const;

 private:
  struct Attribute {
    std::string name;
    const SExpr* value;
    Pos pos;
  };
  const Attribute* find(std::string_view name) const;
  std::string argument_name(size_t i) const;

  const SExpr& form_;
  LoadContext& context_;
  Evaluate evaluate_;
  std::string op_;
  std::vector<const SExpr*> args_;
  std::vector<std::optional<Datum>> values_;
  std::vector<Attribute> attrs_;
};

}  // namespace dgen::lisp

// What evaluating an expression gives: a plain number (folded at load time), a graph
// value, or one of the language's own things (tuples, [lists], ranges, strings, history
// cells, macros).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "dgen/dgen.hpp"
#include "ir/format_number.hpp"
#include "lisp/sexpr.hpp"

namespace dgen::lisp {

struct Datum;

struct Tuple {
  std::vector<Datum> items;
};
struct List {
  std::vector<Datum> items;
};
struct Range {
  int64_t start = 0, end = 0;
};
struct HistoryCell {
  History cell;
};
class Env;
// A macro keeps its defining form (its body is form->items[3...]), the file it is written
// in (errors in its body point there) and the top-level scope of that file, which its
// body's names resolve in: a library macro sees its module's names, never the patch's.
struct Macro {
  std::string name;
  std::vector<std::string> params;
  const SExpr* form = nullptr;
  std::string file, base_dir;
  const Env* scope = nullptr;
};

struct Datum {
  using Variant = std::variant<std::monostate, double, Value, Tuple, List, Range, std::string,
                               HistoryCell, std::shared_ptr<const Macro>>;
  Variant v;
  int param = -1;  // index of the declared param this value is (for `mod`), or -1

  Datum() = default;
  Datum(double number) : v(number) {}                // NOLINT: numbers are data
  Datum(Value value) : v(std::move(value)) {}        // NOLINT
  Datum(Variant variant) : v(std::move(variant)) {}  // NOLINT

  bool is_nothing() const { return std::holds_alternative<std::monostate>(v); }
  bool is_number() const { return std::holds_alternative<double>(v); }
  bool is_value() const { return std::holds_alternative<Value>(v); }
  // A number or a graph value: what math accepts.
  bool is_numeric() const { return is_number() || is_value(); }
  double number() const { return std::get<double>(v); }
  // The graph value of a numeric datum (a number becomes a constant).
  Value value() const { return is_number() ? Value(number()) : std::get<Value>(v); }
  template <class T>
  const T* get() const {
    return std::get_if<T>(&v);
  }
};

// What a datum is, for messages: "a number", "a signal", "a tensor [4, 2]", ...
std::string describe(const Datum& d);

using dgen::format_number;  // a number as a message shows it: 2, 0.5, 1e+09

}  // namespace dgen::lisp

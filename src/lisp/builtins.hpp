// The operator tables: each operator name of SPEC §6 maps to a function that checks its
// arguments and calls the public C++ API (include/dgen/ops.hpp). One file per family
// fills its part of the table.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lisp/call.hpp"
#include "lisp/tensor_data.hpp"

namespace dgen::lisp {

using BuiltinFn = std::function<Datum(Call&)>;

struct Builtin {
  BuiltinFn fn = nullptr;
  size_t min_args = 0, max_args = 0;         // max SIZE_MAX = any number
  std::vector<std::string_view> attributes;  // the attributes it accepts
  const char* usage = "";                    // "(phasor freq [reset])", shown on arity errors
};

class Builtins {
 public:
  void add(std::string name, BuiltinFn fn, size_t min_args, size_t max_args, const char* usage,
           std::vector<std::string_view> attributes = {});
  void alias(std::string alias, const std::string& name);
  const Builtin* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Builtin, std::less<>> table_;
};

// Every operator, built once.
const Builtins& builtins();

// Evaluates the arguments, checks arity and attributes, and runs the builtin; errors of
// the C++ API (dgen::Error: shape mismatches, bad attributes) come back positioned at
// the form.
Datum call_builtin(const Builtin& builtin, Call& call);

void add_math_builtins(Builtins& table);
void add_signal_builtins(Builtins& table);
void add_spectral_builtins(Builtins& table);
void add_tensor_builtins(Builtins& table);
void add_tensor_op_builtins(Builtins& table);

// The contents of a literal: a positional [list] (argument `positional`, when the form
// has one), @data or @init [list], or @file / @default-file "x.json" (relative to the
// patch). With @shape the values are laid out in that shape (zeros when there are none);
// without it the shape comes from the nesting. Counts against the literal budget.
// Returns an empty shape and no values when the form gives neither shape nor contents.
TensorData literal_contents(Call& call, size_t positional);

}  // namespace dgen::lisp

// The syntax tree of a patch: s-expressions where every atom and list knows the line and
// column it starts at, so every error can point at the text that caused it.
#pragma once
#include <string>
#include <vector>

#include "dgen/shape.hpp"

namespace dgen::lisp {

using dgen::to_string;  // shapes and rates, beside the Pos overload below

struct Pos {
  int line = 1, col = 1;  // 1-based; columns count characters, not bytes
};

std::string to_string(Pos pos);  // "line:col"

struct SExpr {
  enum class Kind {
    Number,     // 440, -0.5, 1e-3
    Symbol,     // freq, +, amp.attack
    String,     // "waves/bank.json" (text holds the unescaped contents)
    Attribute,  // @name (text holds "name"); the evaluator pairs it with the next expression
    Range,      // 0:2 (items holds the two ends, each a Number or a Symbol)
    List,       // ( ... )
    Bracket,    // [ ... ]
  };
  Kind kind = Kind::Number;
  Pos pos;
  double number = 0;
  std::string text;
  std::vector<SExpr> items;

  bool is_symbol(const char* name) const { return kind == Kind::Symbol && text == name; }
};

// What a kind is called in error messages ("a number", "a list", ...).
std::string describe(SExpr::Kind kind);

}  // namespace dgen::lisp

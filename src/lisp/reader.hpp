// The reader: patch text -> s-expressions with positions (SPEC §6 syntax).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "lisp/sexpr.hpp"

namespace dgen::lisp {

// Nesting deeper than this is refused (so no input can exhaust the stack).
inline constexpr int kMaxNesting = 200;

// Reads every top-level form. `;` and `#` start comments that run to the end of the
// line; commas are whitespace. Throws PatchError (positioned) on bytes that are not
// UTF-8, unbalanced or mismatched brackets, unterminated strings and malformed numbers.
std::vector<SExpr> read_forms(std::string_view text, const std::string& file);

}  // namespace dgen::lisp

// How a param form names its param, read from the syntax without evaluating it: the
// evaluator's scan of declarations and the rewriting of defaults (patch_defaults.hpp)
// agree on it.
#pragma once
#include <string>

#include "lisp/sexpr.hpp"

namespace dgen::lisp {

// The @group of a param form ("" when none).
inline std::string group_of(const SExpr& form) {
  for (size_t i = 2; i + 1 < form.items.size(); ++i)
    if (form.items[i].kind == SExpr::Kind::Attribute && form.items[i].text == "group" &&
        (form.items[i + 1].kind == SExpr::Kind::Symbol ||
         form.items[i + 1].kind == SExpr::Kind::String))
      return form.items[i + 1].text;
  return "";
}

// A param's name: "group.name" when grouped.
inline std::string qualified(const std::string& group, const std::string& name) {
  return group.empty() ? name : group + "." + name;
}

}  // namespace dgen::lisp

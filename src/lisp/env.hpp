// A scope of names. The global scope holds top-level definitions and params; every
// imported module has a top-level scope of its own; every macro expansion gets a fresh
// scope whose parent is the top-level scope of the file that defines the macro, which is
// what makes `def` and `make-history` inside a macro local to each expansion.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lisp/datum.hpp"

namespace dgen::lisp {

class Env {
 public:
  explicit Env(const Env* parent = nullptr) : parent_(parent) {}

  const Datum* find(std::string_view name) const {
    for (const Env* e = this; e; e = e->parent_) {
      const auto it = e->vars_.find(name);
      if (it != e->vars_.end()) return &it->second;
    }
    return nullptr;
  }
  void set(const std::string& name, Datum value) { vars_[name] = std::move(value); }
  // This scope's own bindings (not its parents'): what a module exports.
  const std::map<std::string, Datum, std::less<>>& own() const { return vars_; }
  void collect_names(std::vector<std::string>& out) const {
    for (const Env* e = this; e; e = e->parent_)
      for (const auto& [name, value] : e->vars_) out.push_back(name);
  }

 private:
  std::map<std::string, Datum, std::less<>> vars_;
  const Env* parent_;
};

}  // namespace dgen::lisp

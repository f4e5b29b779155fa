// A scope of names. The global scope holds top-level definitions and params; every
// macro expansion gets a fresh scope whose parent is the global one, which is what makes
// `def` and `make-history` inside a macro local to each expansion.
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
  void collect_names(std::vector<std::string>& out) const {
    for (const Env* e = this; e; e = e->parent_)
      for (const auto& [name, value] : e->vars_) out.push_back(name);
  }

 private:
  std::map<std::string, Datum, std::less<>> vars_;
  const Env* parent_;
};

}  // namespace dgen::lisp

// Modules: (import std/filters) evaluates lib/std/filters.lisp once, in a top-level scope
// of its own, and binds its names in the importing scope (docs/LANGUAGE.md, "import").
#include <filesystem>
#include <utility>

#include "lisp/evaluator.hpp"
#include "lisp/module_path.hpp"
#include "lisp/reader.hpp"

namespace dgen::lisp {

Evaluator::SourceSwitch::SourceSwitch(Evaluator& evaluator, std::string file, std::string base_dir,
                                      const Env* top)
    : evaluator_(evaluator),
      file_(std::exchange(evaluator.context_.file, std::move(file))),
      base_dir_(std::exchange(evaluator.context_.base_dir, std::move(base_dir))),
      top_(std::exchange(evaluator.top_, top)) {}

Evaluator::SourceSwitch::~SourceSwitch() {
  evaluator_.context_.file = std::move(file_);
  evaluator_.context_.base_dir = std::move(base_dir_);
  evaluator_.top_ = top_;
}

PatchError Evaluator::entered_at(const PatchError& e, const std::string& what, Pos site,
                                 const std::string& site_file) const {
  const std::string prefix =
      e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.col) + ": ";
  std::string message = std::string(e.what()).substr(prefix.size());
  const std::string place = (site_file == e.file ? "" : site_file + ":") + to_string(site);
  // Only the innermost entry is named, so a deep recursion does not grow the message.
  if (message.find(" (in macro '") == std::string::npos &&
      message.find(" (in module '") == std::string::npos)
    message += " (" + what + " at " + place + ")";
  else if (site_file == patch_.file && e.file != patch_.file &&
           message.find(patch_.file + ":") == std::string::npos)
    message += " (from " + place + ")";
  return PatchError(e.file, e.line, e.col, message);
}

void Evaluator::require_patch_scope(const SExpr& form) const {
  if (top_ != &global_)
    fail(form.pos, form.items[0].text +
                       ": a library module cannot declare params, inputs or outputs; declare "
                       "them in the patch and pass them to the module's macros");
}

// (import name …)
Datum Evaluator::import_form(const SExpr& form, Env& env) {
  if (form.items.size() < 2)
    fail(form.pos, "import expects one or more module names, e.g. (import std/filters)");
  for (size_t i = 1; i < form.items.size(); ++i) {
    const SExpr& item = form.items[i];
    if (item.kind != SExpr::Kind::Symbol && item.kind != SExpr::Kind::String)
      fail(item.pos, "import: expected a module name like std/filters, got " + describe(item.kind));
    if (!valid_module_name(item.text))
      fail(item.pos, "import: '" + item.text +
                         "' is not a module name (names like std/filters: letters, digits, "
                         "'_', '-', '.', separated by '/')");
    for (const auto& [name, value] : load_module(item, item.text).env.own()) env.set(name, value);
  }
  return {};
}

const Evaluator::Module& Evaluator::load_module(const SExpr& name_expr, const std::string& name) {
  const std::vector<std::string> search_path = module_search_path(context_.base_dir);
  const std::string path = find_module(name, search_path);
  if (path.empty()) {
    std::string dirs;
    for (const std::string& dir : search_path) dirs += (dirs.empty() ? "" : ", ") + dir;
    fail(name_expr.pos, "import: no module '" + name + "': no " + name + ".lisp in " + dirs +
                            " (DGEN_LIB_PATH adds directories)");
  }
  std::error_code ec;
  const std::string key = std::filesystem::weakly_canonical(path, ec).string();
  if (const auto it = modules_.find(ec ? path : key); it != modules_.end()) {
    if (it->second->loading)
      fail(name_expr.pos,
           "import: module '" + name + "' is still being imported: its imports lead back to it");
    return *it->second;
  }
  Module& module = *modules_.emplace(ec ? path : key, std::make_unique<Module>()).first->second;
  module.name = name;
  module.file = path;
  const std::string importer = context_.file;
  try {
    std::string text;
    try {
      text = read_source_file(path);
    } catch (const PatchError&) {
      throw;
    } catch (const Error& e) {
      fail(name_expr.pos, "import: " + std::string(e.what()));
    }
    module.forms = read_forms(text, path);
    const SourceSwitch source(*this, path, std::filesystem::path(path).parent_path().string(),
                              &module.env);
    for (const SExpr& form : module.forms) eval(form, module.env);
  } catch (const PatchError& e) {
    if (e.file == importer) throw;
    throw entered_at(e, "in module '" + name + "' imported", name_expr.pos, importer);
  }
  module.loading = false;
  return module;
}

}  // namespace dgen::lisp

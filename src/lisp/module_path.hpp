// Where `(import name)` finds a module (docs/LANGUAGE.md, "import"): the file
// `name.lisp` in the first directory of the search path that has it.
#pragma once
#include <string>
#include <vector>

namespace dgen::lisp {

// The directories searched, in order: `importer_dir` (the importing file's directory,
// when it has one), each entry of $DGEN_LIB_PATH (colon-separated), the installed
// library beside the running program (<bin>/../share/dgen/lib), the source tree's lib/
// (a build-tree dgen) and the install prefix's share/dgen/lib.
std::vector<std::string> module_search_path(const std::string& importer_dir);

// Whether `name` is a module name: segments of letters, digits, '_', '-' and '.'
// separated by '/', none of them "." or "..", so a name never leaves the search path.
bool valid_module_name(const std::string& name);

// The path of module `name` in the first directory of `search_path` that holds
// `name.lisp`, or "" when none does.
std::string find_module(const std::string& name, const std::vector<std::string>& search_path);

}  // namespace dgen::lisp

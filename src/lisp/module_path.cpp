// The module search path (docs/LANGUAGE.md, "import").
#include "lisp/module_path.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace dgen::lisp {

namespace {

// The running program's directory (Linux), or "" when it cannot be known.
std::filesystem::path program_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

}  // namespace

std::vector<std::string> module_search_path(const std::string& importer_dir) {
  std::vector<std::string> path;
  if (!importer_dir.empty()) path.push_back(importer_dir);
  if (const char* env = std::getenv("DGEN_LIB_PATH")) {
    const std::string list = env;
    size_t start = 0;
    while (start <= list.size()) {
      const size_t end = std::min(list.find(':', start), list.size());
      if (end > start) path.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  }
  if (const std::filesystem::path bin = program_dir(); !bin.empty())
    path.push_back((bin.parent_path() / "share" / "dgen" / "lib").string());
#ifdef DGEN_SOURCE_LIB_DIR
  path.push_back(DGEN_SOURCE_LIB_DIR);
#endif
#ifdef DGEN_INSTALL_LIB_DIR
  path.push_back(DGEN_INSTALL_LIB_DIR);
#endif
  return path;
}

bool valid_module_name(const std::string& name) {
  size_t start = 0;
  while (true) {
    const size_t end = std::min(name.find('/', start), name.size());
    const std::string segment = name.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment)
      if (!name_char(c)) return false;
    if (end == name.size()) return true;
    start = end + 1;
  }
}

std::string find_module(const std::string& name, const std::vector<std::string>& search_path) {
  for (const std::string& dir : search_path) {
    const std::filesystem::path file = std::filesystem::path(dir) / (name + ".lisp");
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) return file.lexically_normal().string();
  }
  return "";
}

}  // namespace dgen::lisp

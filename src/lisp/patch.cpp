// Loading a patch: read the text, evaluate it, collect what it declared.
#include "lisp/patch.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lisp/evaluator.hpp"
#include "lisp/reader.hpp"

namespace dgen::lisp {

namespace {
constexpr std::streamoff kMaxPatchBytes = std::streamoff(64) << 20;
}

Patch load_patch(std::string_view text, const std::string& file_name) {
  LoadContext context{file_name, std::filesystem::path(file_name).parent_path().string()};
  const std::vector<SExpr> forms = read_forms(text, file_name);
  Evaluator evaluator(context);
  evaluator.run(forms);
  return evaluator.finish();
}

std::string read_source_file(const std::string& path) {
  if (std::filesystem::is_directory(path))
    throw Error("cannot read patch '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read patch '" + path + "': " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  if (in.tellg() > kMaxPatchBytes) throw Error("patch '" + path + "' is larger than 64 MiB");
  in.seekg(0);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error("cannot read patch '" + path + "'");
  return text.str();
}

Patch load_patch_file(const std::string& path) { return load_patch(read_source_file(path), path); }

}  // namespace dgen::lisp

#include "output_dir.hpp"

#include "removal_on_signal.hpp"

namespace dgen::cli {
namespace fs = std::filesystem;

OutputDir::OutputDir(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "job/" names "job"
  for (; !ec && p.has_relative_path(); p = p.parent_path()) {
    if (fs::exists(p, ec) || ec) break;
    missing_.push_back(p);
  }
  // Registered deepest first: the signal handler tries directories in slot order, which
  // is registration order when the slots are taken in turn (compile and train register
  // these before any file), so a parent is empty by the time its turn comes.
  for (const fs::path& level : missing_) signal_slots_.push_back(remove_on_signal(level.string()));
}

OutputDir::~OutputDir() {
  for (const int slot : signal_slots_) forget_on_signal(slot);
  for (const fs::path& p : missing_) {
    std::error_code ec;
    if (!fs::is_directory(p, ec) || !fs::is_empty(p, ec) || !fs::remove(p, ec)) break;
  }
}

}  // namespace dgen::cli

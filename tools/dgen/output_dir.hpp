// An output directory that a command may create: when the command ends, the directories
// it created are removed again if they are empty (a failed `dgen compile` or `dgen train`
// leaves no empty directory behind; docs/CLI.md). Directories that existed before, or
// that hold anything (a checkpoint of a failed training), are kept. The same holds when
// SIGINT, SIGTERM or SIGHUP ends the command: the levels are registered with
// remove_on_signal, which removes a directory once it is empty.
#pragma once
#include <filesystem>
#include <vector>

namespace dgen::cli {

class OutputDir {
 public:
  // Remembers which levels of `dir` do not exist yet, and registers them for removal on a
  // signal; creates nothing.
  explicit OutputDir(const std::filesystem::path& dir);
  // Removes the remembered levels that exist and are empty, deepest first, and forgets
  // their registration.
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

 private:
  std::vector<std::filesystem::path> missing_;  // deepest first
  std::vector<int> signal_slots_;               // from remove_on_signal, deepest first
};

}  // namespace dgen::cli

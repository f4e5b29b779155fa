// An output directory that a command may create: when the command ends, the directories
// it created are removed again if they are empty (a failed `dgen compile` or `dgen train`
// leaves no empty directory behind; docs/CLI.md). Directories that existed before, or
// that hold anything (a checkpoint of a failed training), are kept.
#pragma once
#include <filesystem>
#include <vector>

namespace dgen::cli {

class OutputDir {
 public:
  // Remembers which levels of `dir` do not exist yet; creates nothing.
  explicit OutputDir(const std::filesystem::path& dir);
  ~OutputDir();  // removes the remembered levels that exist and are empty, deepest first
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

 private:
  std::vector<std::filesystem::path> missing_;  // deepest first
};

}  // namespace dgen::cli

// Test fixtures for the process environment: an environment variable set for one scope
// (DGEN_CC, DGEN_CACHE_DIR) and a temporary directory removed afterwards.
#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>

#include "env_var.hpp"

namespace dgen::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dgen-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace dgen::test

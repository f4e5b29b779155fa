// Where a CUDA run's time goes, for tuning the mapping: with DGEN_CUDA_PROFILE set, the
// executor waits for each kernel and copy it issues and adds its wall time to its name's
// row; the table goes to stderr when the executor is destroyed. Off (no waiting), it costs
// one branch per step.
#pragma once
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "backend/cuda/cuda_device.hpp"

namespace dgen::cuda {

class LaunchProfile {
 public:
  explicit LaunchProfile(std::string program) : program_(std::move(program)) {}
  ~LaunchProfile() {
    if (rows_.empty()) return;
    std::fprintf(stderr, "dgen cuda profile of %s:\n", program_.c_str());
    for (const auto& [name, row] : rows_)
      std::fprintf(stderr, "  %-28s %8ld calls %12.3f ms\n", name.c_str(), row.calls, row.ms);
  }
  LaunchProfile(const LaunchProfile&) = delete;
  LaunchProfile& operator=(const LaunchProfile&) = delete;

  // Runs `step` (work issued on `stream`); when profiling, waits for it and books its time.
  template <class Step>
  void time(const std::string& name, const Stream& stream, Step&& step) {
    if (!on_) return step();
    const auto start = std::chrono::steady_clock::now();
    step();
    stream.synchronize();
    Row& row = rows_[name];
    ++row.calls;
    row.ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }

 private:
  struct Row {
    long calls = 0;
    double ms = 0;
  };
  const bool on_ = std::getenv("DGEN_CUDA_PROFILE") != nullptr;
  std::string program_;
  std::map<std::string, Row> rows_;
};

}  // namespace dgen::cuda

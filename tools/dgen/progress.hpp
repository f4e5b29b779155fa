// Progress of a long command on a terminal (docs/CLI.md): one line on stderr, rewritten
// in place, shown only when stderr is a terminal and the work has taken more than a
// second, so that short runs, pipes and logs see nothing.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace dgen::cli {

class Progress {
 public:
  // `what` prefixes the line ("dgen render"); `total` frames at `sample_rate`.
  Progress(std::string what, int64_t total, double sample_rate);
  ~Progress();  // clears the line
  void update(int64_t done);

 private:
  using Clock = std::chrono::steady_clock;
  std::string what_;
  int64_t total_;
  double sample_rate_;
  bool terminal_, shown_ = false;
  Clock::time_point start_, last_;
};

}  // namespace dgen::cli

#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace dgen::cli {

Progress::Progress(std::string what, int64_t total, double sample_rate)
    : what_(std::move(what)),
      total_(total),
      sample_rate_(sample_rate),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(Clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
}

void Progress::update(int64_t done) {
  if (!terminal_) return;
  const Clock::time_point now = Clock::now();
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200))
    return;
  last_ = now;
  shown_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double left = done > 0 ? elapsed * double(total_ - done) / double(done) : 0;
  std::fprintf(stderr, "\r\033[K%s: %.1f of %.1f s of audio (%.0f%%), about %.0f s left",
               what_.c_str(), double(done) / sample_rate_, double(total_) / sample_rate_,
               100.0 * double(done) / double(total_), left);
  std::fflush(stderr);
}

}  // namespace dgen::cli

// How dgen_gpu_bench takes and prints a figure, the same way the peers' scripts do
// (bench/gpu/common.py): warm-up runs, then the median of several, each timed on the
// host clock after the run returned (a dgen run returns once its work is done), and one
// JSON line per figure on stdout.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace dgen_gpu_bench {

struct Timing {
  double wall_ms = 0;  // median
  double cpu_ms = 0;   // the process's CPU time of the same run (one core for Backend::C)
};

inline double cpu_now_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

template <class F>
Timing median_of(F&& run, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) run();
  std::vector<std::pair<double, double>> times;
  for (int i = 0; i < reps; ++i) {
    const double cpu0 = cpu_now_ms();
    const auto wall0 = std::chrono::steady_clock::now();
    run();
    const std::chrono::duration<double, std::milli> wall = std::chrono::steady_clock::now() - wall0;
    times.emplace_back(wall.count(), cpu_now_ms() - cpu0);
  }
  std::sort(times.begin(), times.end());
  const auto& mid = times[times.size() / 2];
  return {mid.first, mid.second};
}

// One JSON object on a line, built field by field.
class Record {
 public:
  Record(const std::string& backend, const std::string& workload) {
    text_ =
        "{\"side\": \"dgen\", \"backend\": \"" + backend + "\", \"workload\": \"" + workload + "\"";
  }
  Record& field(const std::string& key, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    text_ += ", \"" + key + "\": " + buf;
    return *this;
  }
  Record& field(const std::string& key, const std::string& value) {
    text_ += ", \"" + key + "\": \"" + escaped(value) + "\"";
    return *this;
  }
  Record& timing(const Timing& t) { return field("ms", t.wall_ms).field("cpu_ms", t.cpu_ms); }
  void print() const {
    std::printf("%s}\n", text_.c_str());
    std::fflush(stdout);  // lines interleave in order with the other steps' output in run.sh
  }

 private:
  static std::string escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += (c == '\n' || c == '\t') ? ' ' : c;
    }
    return out;
  }
  std::string text_;
};

}  // namespace dgen_gpu_bench

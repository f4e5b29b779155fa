#include "runtime/memory_budget.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "dgen/error.hpp"
#include "ir/node.hpp"
#include "ir/op_table.hpp"
#include "runtime/arena.hpp"

namespace dgen {
namespace {

constexpr const char* kLimitVariable = "DGEN_MEMORY_LIMIT";

// "2G", "512M", "1000000": bytes, with an optional binary suffix.
double parse_size(const std::string& text) {
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  const std::string suffix = end ? std::string(end) : "";
  double scale = 1;
  if (suffix == "K" || suffix == "k") scale = 1024.0;
  if (suffix == "M" || suffix == "m") scale = 1024.0 * 1024;
  if (suffix == "G" || suffix == "g") scale = 1024.0 * 1024 * 1024;
  if (suffix == "T" || suffix == "t") scale = 1024.0 * 1024 * 1024 * 1024;
  if (end == text.c_str() || !(number > 0) || !std::isfinite(number) ||
      (scale == 1 && !suffix.empty()))
    throw Error(std::string(kLimitVariable) + "=" + text +
                ": not a size (bytes, or a number with K, M, G or T)");
  return number * scale;
}

// MemAvailable from /proc/meminfo, in bytes.
std::optional<double> available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

std::optional<double> address_space_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_AS, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return std::nullopt;
  return double(r.rlim_cur);
}

std::optional<double> read_number(const char* path) {
  std::ifstream in(path);
  double v = 0;
  if (in >> v) return v;
  return std::nullopt;  // missing, or "max"
}

// A container's memory: the cgroup (v2) limit less what the cgroup already uses.
std::optional<double> cgroup_memory_left() {
  const auto max = read_number("/sys/fs/cgroup/memory.max");
  const auto current = read_number("/sys/fs/cgroup/memory.current");
  if (!max || !current) return std::nullopt;
  return *max - *current;
}

}  // namespace

MemoryLimit memory_limit() {
  if (const char* set = std::getenv(kLimitVariable); set && *set)
    return {parse_size(set), std::string("set by ") + kLimitVariable};
  MemoryLimit limit{INFINITY, "no limit found"};
  auto consider = [&](std::optional<double> bytes, const char* source) {
    if (bytes && *bytes < limit.bytes) limit = {*bytes, source};
  };
  consider(available_memory(), "the memory available now");
  consider(address_space_limit(), "the address-space limit, ulimit -v");
  consider(cgroup_memory_left(), "the container's memory left");
  return limit;
}

void check_memory(const std::string& task, const std::vector<MemoryUse>& uses) {
  double total = 0;
  for (const MemoryUse& u : uses) total += u.bytes;
  const MemoryLimit limit = memory_limit();
  if (total <= limit.bytes) return;
  std::string parts;
  for (const MemoryUse& u : uses) {
    if (u.bytes <= 0) continue;
    parts += (parts.empty() ? "" : ", ") + u.what + " " + format_bytes(u.bytes);
  }
  throw Error(task + " needs about " + format_bytes(total) + " (" + parts +
              "), more than the memory limit of " + format_bytes(limit.bytes) + " (" +
              limit.source + "; set " + kLimitVariable + " to change it)");
}

double arena_host_bytes(const Schedule& s) {
  return std::ceil(double(s.arena_bytes - s.arena_base) / 64) * 64;
}

double persistent_host_bytes(const Schedule& s) {
  double bytes = 0;
  for (const ArenaRange& r : fresh_ranges(s, true)) bytes += double(r.bytes);
  return bytes;
}

double interpreter_bytes(const Schedule& s) {
  // The interpreter keeps a vector of doubles per node and per state variable, per lane.
  constexpr double kVectorBytes = 24;
  double per_lane = 0;
  for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
    per_lane += kVectorBytes + 8.0 * double(s.graph.nodes[i]->size());
    for (const StateVar& v : s.state_vars[i]) per_lane += kVectorBytes + 8.0 * double(v.count);
  }
  return per_lane * s.lanes;
}

char* allocate_arena(int64_t bytes) {
  const size_t size = size_t((std::max<int64_t>(bytes, 1) + 63) / 64 * 64);
  void* p = std::aligned_alloc(64, size);
  if (!p) throw Error("cannot allocate " + format_bytes(double(size)) + " for a program's state");
  return static_cast<char*>(p);
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024 && u < 5) bytes /= 1024, ++u;
  char text[32];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.3g %s", bytes, units[u]);
  return text;
}

}  // namespace dgen

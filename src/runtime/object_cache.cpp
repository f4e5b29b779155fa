#include "runtime/object_cache.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "dgen/error.hpp"

namespace dgen {
namespace fs = std::filesystem;
namespace {

// Temporaries are named .tmp-HOST-PID-SERIAL-NAME beside their target. A process killed
// while it writes one cannot remove it, so each store first removes those of processes of
// this host that no longer run (docs/ARCHITECTURE.md); a cache shared between hosts keeps
// the others'.
std::string temp_prefix() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return ".tmp-" + std::string(host) + "-";
}

bool process_is_gone(const std::string& pid_text) {
  char* end = nullptr;
  const long pid = std::strtol(pid_text.c_str(), &end, 10);
  return pid > 0 && end != pid_text.c_str() && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

void remove_abandoned_temporaries(const fs::path& dir) {
  const std::string prefix = temp_prefix();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && process_is_gone(name.substr(prefix.size())))
      fs::remove(e.path(), ec);
  }
}

}  // namespace

std::string cache_dir() {
  if (const char* d = std::getenv("DGEN_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/dgen";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/dgen";
  return (fs::temp_directory_path() / "dgen-cache").string();
}

fs::path make_cache_dir() {
  const fs::path dir = cache_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create the compile cache " + dir.string() + ": " + ec.message());
  return dir;
}

uint64_t fnv1a(std::string_view s, uint64_t h) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

void store_atomically(const fs::path& target, const std::function<void(const fs::path&)>& write) {
  // The process id keeps other processes' temporaries apart, the counter other threads'.
  static std::atomic<uint64_t> serial{0};
  remove_abandoned_temporaries(target.parent_path());
  const fs::path temporary =
      target.parent_path() / (temp_prefix() + std::to_string(getpid()) + "-" +
                              std::to_string(serial++) + "-" + target.filename().string());
  std::error_code ec;
  try {
    write(temporary);
  } catch (...) {
    fs::remove(temporary, ec);
    throw;
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(temporary, ec);
    throw Error("cannot store " + target.string() + ": " + why);
  }
}

}  // namespace dgen

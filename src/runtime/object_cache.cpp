#include "runtime/object_cache.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "dgen/error.hpp"

namespace dgen {
namespace fs = std::filesystem;

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
  const fs::path temporary =
      target.string() + "." + std::to_string(getpid()) + "-" + std::to_string(serial++) + ".tmp";
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

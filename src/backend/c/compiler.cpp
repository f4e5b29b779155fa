#include "backend/c/compiler.hpp"

#include <dlfcn.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "dgen/error.hpp"

namespace dgen {
namespace fs = std::filesystem;
namespace {

std::atomic<int> g_invocations{0};

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Runs a shell command, returning its exit status and combined output.
int run_command(const std::string& cmd, std::string* output) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) output->append(buf.data(), n);
  return pclose(p);
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A compiler's identity (its --version banner), computed once per compiler command: DGEN_CC
// may name another compiler later in the process, and its objects must not be confused.
std::string compiler_identity(const std::string& cc) {
  static std::mutex mu;
  static std::map<std::string, std::string> ids;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, fresh] = ids.try_emplace(cc);
  if (fresh) {
    std::string out;
    run_command(cc + " --version", &out);
    it->second = cc + "\n" + out;
  }
  return it->second;
}

// A compile works on files named .tmp-HOST-PID-KEY.*, renamed to the object's name when
// complete. A process killed while it compiles cannot remove its own, so each compile
// first removes those of processes of this host that no longer run (docs/ARCHITECTURE.md);
// a cache shared between hosts keeps the others'.
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

void remove_abandoned_temp_files(const fs::path& dir) {
  const std::string prefix = temp_prefix();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && process_is_gone(name.substr(prefix.size())))
      fs::remove(e.path(), ec);
  }
}

}  // namespace

CompiledLibrary::~CompiledLibrary() {
  if (handle) dlclose(handle);
}

std::string c_compiler() {
  // Looked up once per DGEN_CC value: spawning a shell on every compile-cache hit would
  // cost milliseconds.
  static std::mutex mu;
  static std::map<std::string, std::string> found;
  const char* env = std::getenv("DGEN_CC");
  const std::string cc = env && *env ? env : "cc";
  std::lock_guard<std::mutex> lock(mu);
  auto it = found.find(cc);
  if (it == found.end()) {
    std::string out;
    it = found.emplace(cc, run_command("command -v " + shell_quote(cc) + " >/dev/null", &out) == 0 ? cc : "").first;
  }
  return it->second;
}

// -ffast-math but not -fassociative-math: reassociation would reorder a recurrence's sum
// (a biquad's y[t-1] term first, tripling its critical path); sums over tensor elements
// are marked as OpenMP SIMD reductions instead (-fopenmp-simd: the pragmas, no runtime).
// -fno-builtin-sin/cos: otherwise sin and cos of one argument fuse into sincos, which has
// no vector variant; as plain calls they vectorise through libmvec.
const std::string& c_flags() {
  static const std::string flags =
      "-O3 -march=native -ffast-math -fno-associative-math -fopenmp-simd -fno-builtin-sin "
      "-fno-builtin-cos -fno-builtin-sinf -fno-builtin-cosf -fPIC -shared -std=c11 -w";
  return flags;
}

std::string cache_dir() {
  if (const char* d = std::getenv("DGEN_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/dgen";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/dgen";
  return (fs::temp_directory_path() / "dgen-cache").string();
}

int compiler_invocations() { return g_invocations.load(); }

std::shared_ptr<CompiledLibrary> compile_c(const std::string& source, CompileStats* stats) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<CompiledLibrary>> loaded;
  const std::string cc = c_compiler();
  if (cc.empty())
    throw Error("no C compiler found (tried '" + std::string(std::getenv("DGEN_CC") ? std::getenv("DGEN_CC") : "cc") +
                "'); install one or set DGEN_CC");
  const std::string key = hex(fnv1a(source, fnv1a(compiler_identity(cc) + "\n" + c_flags())));
  std::lock_guard<std::mutex> lock(mu);
  if (auto lib = loaded[key].lock()) {
    if (stats) stats->memory_hit = true;
    return lib;
  }
  const fs::path dir = cache_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create the compile cache " + dir.string() + ": " + ec.message());
  const fs::path so = dir / ("dgen-" + key + ".so");
  if (fs::exists(so)) {
    if (stats) stats->disk_hit = true;
  } else {
    // Write to unique temporary names, then rename, so concurrent compilers never see
    // a half-written object.
    remove_abandoned_temp_files(dir);
    const std::string tmp = (dir / (temp_prefix() + std::to_string(getpid()) + "-" + key)).string();
    {
      std::ofstream f(tmp + ".c");
      f << source;
      if (!f) throw Error("cannot write " + tmp + ".c");
    }
    std::string out;
    ++g_invocations;
    const int rc = run_command(cc + " " + c_flags() + " -o " + shell_quote(tmp + ".so") + " " +
                                   shell_quote(tmp + ".c") + " -lm",
                               &out);
    fs::remove(tmp + ".c", ec);
    if (rc != 0) {
      fs::remove(tmp + ".so", ec);
      throw Error("generated code failed to compile with " + cc + ":\n" + out);
    }
    fs::rename(tmp + ".so", so, ec);
    if (ec) throw Error("cannot store " + so.string() + ": " + ec.message());
  }
  auto lib = std::make_shared<CompiledLibrary>();
  lib->path = so.string();
  lib->handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle) throw Error(std::string("cannot load compiled program: ") + dlerror());
  lib->run = reinterpret_cast<RunFn>(dlsym(lib->handle, "dgen_run"));
  if (!lib->run) throw Error("compiled program has no dgen_run");
  loaded[key] = lib;
  return lib;
}

}  // namespace dgen

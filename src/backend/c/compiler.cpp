#include "backend/c/compiler.hpp"

#include <dlfcn.h>

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
#include "runtime/object_cache.hpp"

namespace dgen {
namespace fs = std::filesystem;
namespace {

std::atomic<int> g_invocations{0};

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

std::string no_c_compiler_reason() {
  const char* env = std::getenv("DGEN_CC");
  return "no C compiler found (tried '" + std::string(env && *env ? env : "cc") +
         "'); install one or set DGEN_CC";
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

int compiler_invocations() { return g_invocations.load(); }

std::shared_ptr<CompiledLibrary> compile_c(const std::string& source, CompileStats* stats) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<CompiledLibrary>> loaded;
  const std::string cc = c_compiler();
  if (cc.empty()) throw Error(no_c_compiler_reason());
  const std::string key = hex64(fnv1a(source, fnv1a(compiler_identity(cc) + "\n" + c_flags())));
  std::lock_guard<std::mutex> lock(mu);
  if (auto lib = loaded[key].lock()) {
    if (stats) stats->memory_hit = true;
    return lib;
  }
  const fs::path so = make_cache_dir() / ("dgen-" + key + ".so");
  if (fs::exists(so)) {
    if (stats) stats->disk_hit = true;
  } else {
    store_atomically(so, [&](const fs::path& tmp) {
      const std::string c_file = tmp.string() + ".c";
      {
        std::ofstream f(c_file);
        f << source;
        if (!f) throw Error("cannot write " + c_file);
      }
      std::string out;
      ++g_invocations;
      const int rc = run_command(cc + " " + c_flags() + " -o " + shell_quote(tmp.string()) + " " +
                                     shell_quote(c_file) + " -lm",
                                 &out);
      std::error_code ec;
      fs::remove(c_file, ec);
      if (rc != 0) throw Error("generated code failed to compile with " + cc + ":\n" + out);
    });
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

// Compiles generated C into a shared object with the system C compiler and loads it.
//
// The compiler is `cc` unless DGEN_CC names another. Objects are cached in memory and on
// disk (cache_dir() in runtime/object_cache.hpp), keyed by a hash of the source, the
// compiler's identity and the flags.
#pragma once
#include <memory>
#include <string>

namespace dgen {

using RunFn = void (*)(char* arena, const float* const* in, float* const* out, int64_t frames,
                       double sr);

struct CompiledLibrary {
  void* handle = nullptr;
  RunFn run = nullptr;
  std::string path;
  ~CompiledLibrary();
};

struct CompileStats {
  bool memory_hit = false, disk_hit = false;
};

// The compiler command, or "" when none is usable.
std::string c_compiler();
// Why there is none, in one line (the compiler tried and how to name another).
std::string no_c_compiler_reason();
// Flags used for every object (part of the cache key).
const std::string& c_flags();
// Compiles (or finds in a cache) and loads `source`. Throws dgen::Error with the
// compiler's output when compilation fails.
std::shared_ptr<CompiledLibrary> compile_c(const std::string& source,
                                           CompileStats* stats = nullptr);
// Number of times the compiler was actually invoked in this process (for tests).
int compiler_invocations();

}  // namespace dgen

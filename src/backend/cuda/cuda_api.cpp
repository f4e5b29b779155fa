#include "backend/cuda/cuda_api.hpp"

#include <dlfcn.h>

#include "dgen/error.hpp"

// The toolkit's library directory at build time, tried after the loader's search path
// for NVRTC (the toolkit is often outside it).
#ifndef DGEN_CUDA_LIBRARY_DIR
#define DGEN_CUDA_LIBRARY_DIR ""
#endif

#define DGEN_CUDA_STRINGIFY_(x) #x
// The symbol a name expands to in cuda.h (cuMemAlloc -> "cuMemAlloc_v2").
#define DGEN_CUDA_SYMBOL(x) DGEN_CUDA_STRINGIFY_(x)

namespace dgen::cuda {
namespace {

// Points `fn` at `symbol`; the first symbol not found goes to `missing`.
template <typename Fn>
void resolve(void* library, const char* symbol, Fn& fn, std::string* missing) {
  fn = reinterpret_cast<Fn>(dlsym(library, symbol));
  if (!fn && missing->empty()) *missing = symbol;
}

struct LoadedDriver {
  DriverApi api;
  std::string error;  // why it cannot be used; empty when it can
};

LoadedDriver load_driver() {
  LoadedDriver d;
  void* library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    d.error = "no CUDA driver (libcuda.so.1 not found)";
    return d;
  }
  std::string missing;
#define DGEN_CUDA_RESOLVE(fn) resolve(library, DGEN_CUDA_SYMBOL(fn), d.api.fn, &missing);
  DGEN_CUDA_DRIVER_FUNCTIONS(DGEN_CUDA_RESOLVE)
#undef DGEN_CUDA_RESOLVE
  if (!missing.empty()) {
    d.error = "the CUDA driver is too old (libcuda.so.1 has no " + missing + ")";
    return d;
  }
  int count = 0;
  const CUresult init = d.api.cuInit(0);
  if (init == CUDA_ERROR_NO_DEVICE ||
      (init == CUDA_SUCCESS && d.api.cuDeviceGetCount(&count) == CUDA_SUCCESS && count == 0)) {
    d.error = "no NVIDIA GPU";
  } else if (init != CUDA_SUCCESS) {
    const char* text = nullptr;
    d.api.cuGetErrorString(init, &text);
    d.error = std::string("the CUDA driver failed to start: ") + (text ? text : "unknown error");
  }
  return d;
}

const LoadedDriver& loaded_driver() {
  static const LoadedDriver d = load_driver();
  return d;
}

struct LoadedNvrtc {
  NvrtcApi api;
  std::string error;
};

LoadedNvrtc load_nvrtc() {
  LoadedNvrtc n;
  // The NVRTC of the headers' major version (CUDA_VERSION 13000 is 13.0), else any.
  const std::string versioned = "libnvrtc.so." + std::to_string(CUDA_VERSION / 1000);
  const std::string toolkit_dir = DGEN_CUDA_LIBRARY_DIR;
  void* library = nullptr;
  for (const std::string& name :
       {versioned, std::string("libnvrtc.so"), toolkit_dir + "/" + versioned}) {
    if ((library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL))) break;
  }
  if (!library) {
    n.error = "NVRTC not found (" + versioned + ")";
    return n;
  }
  std::string missing;
#define DGEN_CUDA_RESOLVE(fn) resolve(library, DGEN_CUDA_SYMBOL(fn), n.api.fn, &missing);
  DGEN_NVRTC_FUNCTIONS(DGEN_CUDA_RESOLVE)
#undef DGEN_CUDA_RESOLVE
  if (!missing.empty()) n.error = "NVRTC is too old (no " + missing + ")";
  return n;
}

const LoadedNvrtc& loaded_nvrtc() {
  static const LoadedNvrtc n = load_nvrtc();
  return n;
}

}  // namespace

Availability cuda_availability() {
  const std::string& why =
      loaded_driver().error.empty() ? loaded_nvrtc().error : loaded_driver().error;
  return {why.empty(), why};
}

const DriverApi& driver() {
  const LoadedDriver& d = loaded_driver();
  if (!d.error.empty()) throw Error("CUDA: " + d.error);
  return d.api;
}

const NvrtcApi& nvrtc() {
  const LoadedNvrtc& n = loaded_nvrtc();
  if (!n.error.empty()) throw Error("CUDA: " + n.error);
  return n.api;
}

void check(CUresult r, const std::string& what) {
  if (r == CUDA_SUCCESS) return;
  const char* text = nullptr;
  if (driver().cuGetErrorString(r, &text) != CUDA_SUCCESS || !text) text = "unknown CUDA error";
  throw Error(what + ": " + text);
}

}  // namespace dgen::cuda

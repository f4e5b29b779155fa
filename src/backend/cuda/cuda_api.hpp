// The CUDA driver API (libcuda.so.1) and NVRTC, loaded at run time with dlopen, so that a
// dgen built with CUDA support runs on a machine without a GPU or a driver
// (docs/ARCHITECTURE.md). Types come from the toolkit's headers; no library is linked.
#pragma once
#include <cuda.h>
#include <nvrtc.h>

#include <string>

namespace dgen::cuda {

// The entry points dgen uses. cuda.h maps some names onto versioned symbols (cuMemAlloc is
// cuMemAlloc_v2); macro expansion gives each pointer the type and the symbol of the version
// the header declares, and calls through `api.cuMemAlloc(...)` expand the same way.
#define DGEN_CUDA_DRIVER_FUNCTIONS(X)                                                          \
  X(cuInit)                                                                                    \
  X(cuGetErrorString)                                                                          \
  X(cuDeviceGetCount)                                                                          \
  X(cuDeviceGet)                                                                               \
  X(cuDeviceGetAttribute)                                                                      \
  X(cuDevicePrimaryCtxRetain)                                                                  \
  X(cuCtxSetCurrent)                                                                           \
  X(cuModuleLoadData) X(cuModuleUnload) X(cuModuleGetFunction) X(cuLaunchKernel) X(cuMemAlloc) \
      X(cuMemFree) X(cuMemcpyHtoD) X(cuMemcpyDtoH) X(cuStreamCreate) X(cuStreamDestroy)        \
          X(cuStreamSynchronize) X(cuCtxSynchronize) X(cuDeviceTotalMem) X(cuMemsetD8Async)    \
              X(cuMemcpyDtoDAsync) X(cuFuncSetAttribute) X(cuMemAllocHost) X(cuMemFreeHost) \
                  X(cuMemHostGetFlags)

#define DGEN_NVRTC_FUNCTIONS(X) \
  X(nvrtcVersion)               \
  X(nvrtcGetErrorString)        \
  X(nvrtcCreateProgram)         \
  X(nvrtcDestroyProgram)        \
  X(nvrtcCompileProgram)        \
  X(nvrtcGetProgramLogSize) X(nvrtcGetProgramLog) X(nvrtcGetCUBINSize) X(nvrtcGetCUBIN)

#define DGEN_CUDA_FUNCTION_POINTER(fn) decltype(&::fn) fn = nullptr;
struct DriverApi {
  DGEN_CUDA_DRIVER_FUNCTIONS(DGEN_CUDA_FUNCTION_POINTER)
};
struct NvrtcApi {
  DGEN_NVRTC_FUNCTIONS(DGEN_CUDA_FUNCTION_POINTER)
};
#undef DGEN_CUDA_FUNCTION_POINTER

// Whether CUDA programs can run here: ok, or the one line that says what is missing
// ("no CUDA driver (libcuda.so.1 not found)", "no NVIDIA GPU", "NVRTC not found (...)").
struct Availability {
  bool ok = false;
  std::string reason;  // empty when ok
};
Availability cuda_availability();

// The driver, loaded and initialised (cuInit) with at least one GPU; throws dgen::Error
// with the reason when there is none. Loaded once per process.
const DriverApi& driver();
// NVRTC, loaded once per process; throws dgen::Error when it is not found. Compiling
// needs neither a GPU nor a driver.
const NvrtcApi& nvrtc();

// Throws dgen::Error("<what>: <the driver's description of r>") unless r is CUDA_SUCCESS.
void check(CUresult r, const std::string& what);

}  // namespace dgen::cuda

// CUDA C++ source -> cubin with NVRTC, for one GPU architecture, cached in memory and on
// disk beside the C objects (runtime/object_cache.hpp). A cubin is the GPU's own machine
// code: loading it costs no JIT in the driver, unlike PTX.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace dgen::cuda {

using Cubin = std::vector<char>;

struct CubinStats {
  bool memory_hit = false, disk_hit = false;
};

// NVRTC's version, "major.minor"; throws dgen::Error when NVRTC is not found.
std::string nvrtc_version();
// The architecture of this machine's GPU ("sm_90" on an H200), or sm_90 without one.
std::string default_arch();

// How NVRTC compiles the arithmetic: IEEE division and the CUDA library's accurate sine,
// cosine, exp and log, or the GPU's approximations of them (--use_fast_math,
// RenderOptions::fast_math).
enum class Math { Precise, Fast };

// Compiles `source` (kernels declared extern "C") to a cubin for `arch` ("sm_XY"), or finds
// it in a cache: the key is the source's hash, the architecture, the math and NVRTC's
// version. A compile error is a dgen::Error carrying NVRTC's log, whose lines name the
// source "dgen.cu(LINE)". Needs NVRTC only, no GPU.
std::shared_ptr<const Cubin> compile_cubin(const std::string& source, const std::string& arch,
                                           Math math = Math::Precise, CubinStats* stats = nullptr);

// Number of times NVRTC actually compiled in this process (for tests).
int nvrtc_invocations();

}  // namespace dgen::cuda

// The CUDA layer without a GPU (docs/ARCHITECTURE.md): NVRTC compiles to a cubin for sm_90,
// the cubin cache (memory, disk, keys), compile errors with NVRTC's log, and the
// availability line that `--backend cuda` will print.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "backend/cuda/cuda_api.hpp"
#include "backend/cuda/nvrtc_compile.hpp"
#include "core/scoped_env.hpp"
#include "cuda/elf_symbols.hpp"
#include "cuda/one_pole_kernel.hpp"
#include "dgen/error.hpp"

namespace dgen::cuda {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

TEST(CudaAvailability, IsOkOrOneLineSayingWhatIsMissing) {
  const Availability a = cuda_availability();
  EXPECT_EQ(a.ok, a.reason.empty());
  EXPECT_EQ(a.reason.find('\n'), std::string::npos);
  if (a.ok) return;
  try {
    driver();
    // NVRTC may be what is missing; the driver then loads.
    EXPECT_EQ(a.reason.rfind("NVRTC", 0), 0u) << a.reason;
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "CUDA: " + a.reason);
  }
}

TEST(CudaAvailability, WithoutTheDriverLibrarySaysSo) {
  if (void* library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {
    dlclose(library);
    GTEST_SKIP() << "this machine has a CUDA driver";
  }
  const Availability a = cuda_availability();
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.reason, "no CUDA driver (libcuda.so.1 not found)");
  EXPECT_EQ(default_arch(), "sm_90");
}

TEST(NvrtcCompile, OnePoleKernelIsACubinHoldingTheKernelSymbol) {
  test::TempDir dir;
  test::ScopedEnv cache("DGEN_CACHE_DIR", dir.path().string());
  const auto cubin = compile_cubin(test::kOnePoleSource, "sm_90");
  const test::ElfSymbols elf = test::elf_symbols(*cubin);
  ASSERT_TRUE(elf.valid) << "not a 64-bit CUDA ELF file (" << cubin->size() << " bytes)";
  EXPECT_NE(std::find(elf.names.begin(), elf.names.end(), "one_pole"), elf.names.end());
}

TEST(NvrtcCompile, SecondCompileHitsMemoryThenDiskWithTheSameBytes) {
  test::TempDir dir;
  test::ScopedEnv cache("DGEN_CACHE_DIR", dir.path().string());
  const int before = nvrtc_invocations();
  CubinStats cold;
  auto start = std::chrono::steady_clock::now();
  auto first = compile_cubin(test::kOnePoleSource, "sm_90", Math::Precise, &cold);
  const double cold_ms = ms_since(start);
  EXPECT_FALSE(cold.memory_hit || cold.disk_hit);
  EXPECT_EQ(nvrtc_invocations(), before + 1);

  CubinStats warm;
  EXPECT_EQ(compile_cubin(test::kOnePoleSource, "sm_90", Math::Precise, &warm), first);
  EXPECT_TRUE(warm.memory_hit);

  // Once no one holds it, the memory cache lets it go; the disk still has it.
  const Cubin bytes = *first;
  first.reset();
  CubinStats disk;
  start = std::chrono::steady_clock::now();
  const auto second = compile_cubin(test::kOnePoleSource, "sm_90", Math::Precise, &disk);
  const double disk_ms = ms_since(start);
  EXPECT_TRUE(disk.disk_hit);
  EXPECT_FALSE(disk.memory_hit);
  EXPECT_EQ(nvrtc_invocations(), before + 1);
  EXPECT_EQ(*second, bytes);
  // One whole file, no temporaries left beside it.
  const auto files = files_in(dir.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].ends_with("-sm_90.cubin")) << files[0];
  std::printf(
      "[  TIMING  ] one_pole sm_90: cold NVRTC compile %.1f ms, cubin from the disk cache %.3f "
      "ms\n",
      cold_ms, disk_ms);
}

TEST(NvrtcCompile, ArchitectureIsPartOfTheKey) {
  test::TempDir dir;
  test::ScopedEnv cache("DGEN_CACHE_DIR", dir.path().string());
  const auto hopper = compile_cubin(test::kOnePoleSource, "sm_90");
  const int before = nvrtc_invocations();
  const auto ampere = compile_cubin(test::kOnePoleSource, "sm_80");
  EXPECT_EQ(nvrtc_invocations(), before + 1);
  EXPECT_NE(*hopper, *ampere);
  EXPECT_EQ(files_in(dir.path()).size(), 2u);
}

// The GPU's approximations (RenderOptions::fast_math) make other code, cached apart.
TEST(NvrtcCompile, FastMathIsOtherCodeCachedApart) {
  test::TempDir dir;
  test::ScopedEnv cache("DGEN_CACHE_DIR", dir.path().string());
  const std::string source =
      "extern \"C\" __global__ void shaped(float *y, const float *x) {\n"
      "  const int i = threadIdx.x;\n"
      "  y[i] = sinf(x[i]) / (1.0f + x[i] * x[i]);\n"
      "}\n";
  const auto precise = compile_cubin(source, "sm_90");
  const int before = nvrtc_invocations();
  const auto fast = compile_cubin(source, "sm_90", Math::Fast);
  EXPECT_EQ(nvrtc_invocations(), before + 1);
  EXPECT_NE(*precise, *fast);
  EXPECT_EQ(compile_cubin(source, "sm_90", Math::Precise), precise);
  EXPECT_EQ(files_in(dir.path()).size(), 2u);
}

TEST(NvrtcCompile, ErrorCarriesNvrtcLogAndStoresNothing) {
  test::TempDir dir;
  test::ScopedEnv cache("DGEN_CACHE_DIR", dir.path().string());
  const std::string source =
      "extern \"C\" __global__ void broken(float* y) {\n"
      "  y[0] = undefined_thing;\n"
      "}\n";
  try {
    compile_cubin(source, "sm_90");
    FAIL() << "compiled";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("for sm_90"), std::string::npos) << message;
    // NVRTC's own line: the source's name, the line, the diagnostic.
    EXPECT_NE(message.find("dgen.cu(2): error: identifier \"undefined_thing\" is undefined"),
              std::string::npos)
        << message;
  }
  EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST(NvrtcCompile, RejectsAnArchitectureWithoutMachineCode) {
  try {
    compile_cubin(test::kOnePoleSource, "compute_90");
    FAIL() << "compiled";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown GPU architecture 'compute_90' (expected sm_ and a number, e.g. sm_90)");
  }
}

}  // namespace
}  // namespace dgen::cuda

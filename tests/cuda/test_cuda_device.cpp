// The CUDA layer on a GPU: the one-pole kernel compiled by NVRTC for the device, launched
// with lanes as threads, against its closed form; device memory errors. Each test skips,
// saying why, where there is no GPU.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "backend/cuda/cuda_device.hpp"
#include "backend/cuda/nvrtc_compile.hpp"
#include "core/scoped_env.hpp"
#include "cuda/one_pole_kernel.hpp"
#include "dgen/error.hpp"

namespace dgen::cuda {
namespace {

#define DGEN_SKIP_WITHOUT_GPU()                                                    \
  if (const Availability a = cuda_availability(); !a.ok) GTEST_SKIP() << a.reason; \
  static_assert(true)

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

TEST(CudaDevice, OnePoleKernelMatchesItsClosedForm) {
  DGEN_SKIP_WITHOUT_GPU();
  // 1000 lanes: the last block of 256 threads is partly past the end.
  const int lanes = 1000, frames = 4096;
  std::vector<float> pole(lanes), x(size_t(frames) * lanes, 1.0f), y(x.size());
  for (int l = 0; l < lanes; ++l) pole[l] = 0.5f + 0.49f * float(l) / lanes;
  DeviceBuffer d_pole(pole.size() * sizeof(float)), d_x(x.size() * sizeof(float)),
      d_y(y.size() * sizeof(float));
  d_pole.upload(pole.data(), d_pole.bytes());
  d_x.upload(x.data(), d_x.bytes());

  test::TempDir dir;
  test::ScopedEnv cache("DGEN_CACHE_DIR", dir.path().string());
  const std::string arch = default_arch();
  EXPECT_EQ(arch, Device::get().arch());
  // The first compile in a process also loads NVRTC; a second source shows a compile alone.
  auto start = std::chrono::steady_clock::now();
  auto cubin = compile_cubin(test::kOnePoleSource, arch);
  const double first_ms = ms_since(start);
  start = std::chrono::steady_clock::now();
  compile_cubin(test::kOnePoleSource + "// another source\n", arch);
  const double cold_ms = ms_since(start);
  cubin.reset();  // the next compile_cubin reads the disk cache
  start = std::chrono::steady_clock::now();
  CubinStats stats;
  cubin = compile_cubin(test::kOnePoleSource, arch, Math::Precise, &stats);
  const Module module(*cubin);
  const CUfunction kernel = module.function("one_pole");
  const double cached_ms = ms_since(start);
  EXPECT_TRUE(stats.disk_hit);
  std::printf(
      "[  TIMING  ] one_pole %s: cold NVRTC compile %.1f ms (the process's first: %.1f ms), cubin "
      "from the disk cache + module load %.3f ms\n",
      arch.c_str(), cold_ms, first_ms, cached_ms);

  CUdeviceptr a_ptr = d_pole.pointer(), x_ptr = d_x.pointer(), y_ptr = d_y.pointer();
  int n_frames = frames, n_lanes = lanes;
  void* args[] = {&a_ptr, &x_ptr, &y_ptr, &n_frames, &n_lanes};
  const Stream stream;
  launch(kernel, {unsigned(lanes + 255) / 256}, {256}, args, stream);
  stream.synchronize();
  d_y.download(y.data(), d_y.bytes());
  for (int l = 0; l < lanes; ++l)
    for (int t = 0; t < frames; t += 97) {
      const double want = test::one_pole_step_response(pole[l], t);
      // Float rounding grows to about 2 * 2^-24 / (1 - a) relative, 1.2e-5 at a = 0.99.
      ASSERT_NEAR(y[size_t(t) * lanes + l], want, 1e-4 * want) << "lane " << l << " frame " << t;
    }
}

TEST(CudaDevice, FailedAllocationNamesTheSize) {
  DGEN_SKIP_WITHOUT_GPU();
  const size_t petabyte = size_t(1) << 50;
  try {
    DeviceBuffer too_large(petabyte);
    FAIL() << "allocated 1 PiB";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "cannot allocate 1125899906842624 bytes (1 PiB) of GPU memory: ", 0),
              0u)
        << e.what();
  }
  // The device is still usable.
  DeviceBuffer small(64);
  const float value = 3.5f;
  float back = 0;
  small.upload(&value, sizeof value);
  small.download(&back, sizeof back);
  EXPECT_EQ(back, value);
}

TEST(CudaDevice, CopyLargerThanTheBufferIsAnError) {
  DGEN_SKIP_WITHOUT_GPU();
  DeviceBuffer small(16);
  std::vector<float> host(8);
  EXPECT_THROW(small.upload(host.data(), host.size() * sizeof(float)), Error);
  EXPECT_THROW(small.download(host.data(), host.size() * sizeof(float)), Error);
}

// A copy between device buffers goes in order on a stream: after the stream's wait the
// bytes are where it put them, and a range past either buffer is an error, not a copy.
TEST(CudaDevice, CopyOnAStreamMovesTheBytesAndChecksBothRanges) {
  DGEN_SKIP_WITHOUT_GPU();
  const std::vector<float> values = {1.5f, -2.0f, 3.25f, 4.0f};
  DeviceBuffer from(values.size() * sizeof(float)), to(8 * sizeof(float));
  from.upload(values.data(), values.size() * sizeof(float));
  to.upload(std::vector<float>(8, 0.0f).data(), 8 * sizeof(float));
  const Stream stream;
  to.copy(from, sizeof(float), 4 * sizeof(float), 3 * sizeof(float), stream);
  stream.synchronize();
  std::vector<float> got(8);
  to.download(got.data(), got.size() * sizeof(float));
  EXPECT_EQ(got, (std::vector<float>{0, 0, 0, 0, -2.0f, 3.25f, 4.0f, 0}));
  EXPECT_THROW(to.copy(from, 2 * sizeof(float), 0, 3 * sizeof(float), stream), Error);
  EXPECT_THROW(to.copy(from, 0, 6 * sizeof(float), 4 * sizeof(float), stream), Error);
}

TEST(CudaDevice, UnknownKernelNameIsAnError) {
  DGEN_SKIP_WITHOUT_GPU();
  const Module module(*compile_cubin(test::kOnePoleSource, default_arch()));
  try {
    module.function("two_pole");
    FAIL() << "found a kernel that does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("no CUDA kernel 'two_pole': ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace dgen::cuda

#include "cuda/cuda_on_cpu.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "backend/cuda/render_cuda.hpp"
#include "cli/temp_dir.hpp"
#include "lower/lower.hpp"
#include "runtime/arena.hpp"

namespace dgen::test {
namespace {

// What nvcc provides and the generated source takes for granted, for a C++ compiler. The
// source typedefs int64_t and friends itself: the macros keep its names apart from the
// C library's. The grid's coordinates are globals the host sets before each thread; a
// CTA's shared memory is static (the CTAs run one after another).
constexpr const char* kCpuPrelude = R"(#include <math.h>
#include <string.h>
#define int64_t dgen_int64_t
#define uint64_t dgen_uint64_t
#define int32_t dgen_int32_t
#define uint32_t dgen_uint32_t
#define __global__
#define __shared__ static
#define DGEN_CTA_SHARED(name, floats) static float name[floats]
#define __device__
#define __restrict__ __restrict
struct dgen_dim3 { unsigned x; };
// The thread's coordinates are the test executable's thread-locals: a thread-local of this
// module, dlopen'ed by the hundred, leaves LeakSanitizer's exit-time scan of dynamic TLS
// reading garbage ranges and crashing.
static void *(*dgen_emu_coords)(void);
#define blockIdx (((dgen_dim3 *)dgen_emu_coords())[0])
#define blockDim (((dgen_dim3 *)dgen_emu_coords())[1])
#define threadIdx (((dgen_dim3 *)dgen_emu_coords())[2])
static inline float __int_as_float(int i) { float f; memcpy(&f, &i, sizeof f); return f; }
static inline unsigned __brev(unsigned x) {
  unsigned r = 0;
  for (int b = 0; b < 32; ++b) r |= ((x >> b) & 1u) << (31 - b);
  return r;
}
static inline void sincospi(double x, double *s, double *c) {
  *s = sin(3.14159265358979323846 * x); *c = cos(3.14159265358979323846 * x);
}
static inline void sincospif(float x, float *s, float *c) {
  *s = (float)sin(3.14159265358979323846 * x); *c = (float)cos(3.14159265358979323846 * x);
}
static void (*dgen_emu_sync)(void);
#define __syncthreads() dgen_emu_sync()
extern "C" void dgen_emu_thread(unsigned block, unsigned threads, unsigned thread) {
  blockIdx.x = block; blockDim.x = threads; threadIdx.x = thread;
}
extern "C" void dgen_emu_set_sync(void (*sync)(void), void *(*coords)(void)) {
  dgen_emu_sync = sync; dgen_emu_coords = coords;
}
)";

// A CTA's barrier: the last of `count` threads to arrive starts the next phase. (A mutex
// and a condition variable: libstdc++ 12's std::barrier was seen to hang here when the
// machine was busy.)
class CtaBarrier {
 public:
  explicit CtaBarrier(unsigned count) : count_(count) {}
  void arrive_and_wait() {
    std::unique_lock lock(mutex_);
    const uint64_t phase = phase_;
    if (++arrived_ == count_) {
      arrived_ = 0;
      ++phase_;
      lock.unlock();
      next_.notify_all();
      return;
    }
    next_.wait(lock, [&] { return phase_ != phase; });
  }

 private:
  const unsigned count_;
  unsigned arrived_ = 0;
  uint64_t phase_ = 0;
  std::mutex mutex_;
  std::condition_variable next_;
};

// The barrier of the CTA being emulated (one at a time).
CtaBarrier* g_cta_barrier = nullptr;
void cta_sync() { g_cta_barrier->arrive_and_wait(); }

// blockIdx, blockDim and threadIdx of the emulated thread running on this host thread.
thread_local unsigned t_coords[3];
void* emu_coords() { return t_coords; }

using Kernel = void (*)(char*, const float* const*, float* const*, long long, long long, long long,
                        double);
using Finish = void (*)(char*, long long);
using SetThread = void (*)(unsigned, unsigned, unsigned);

// The launch shapes of cuda_executor.cpp, and the CTAs of regions of windows emulated
// (few threads: each is a thread of the host; tiles as wide as the lanes allow, so the
// tests choose the tiles by the lanes they run: a tile of 1 lane takes elements of one
// lane per thread in lane-major rows, one of 2 or 4 adjacent lanes).
constexpr unsigned kLaneThreads = 64;
constexpr unsigned kGridThreads = 256;
constexpr CtaShape kEmulatedCtas{.threads = 4,
                                 .fill = 1,
                                 .sector_lanes = 2,
                                 .shared_bytes = 1 << 10,
                                 .most_shared_bytes = 4 << 10,
                                 .sm_shared_bytes = 6 << 10,
                                 .sm_threads = 8};

// Compiles `source` into a shared object in a temporary directory and loads it.
void* compile_and_load(const std::string& source) {
  const TempDir dir;
  const std::string cpp = dir.write("kernels.cpp", source), so = dir / "kernels.so",
                    log = dir / "log";
  const std::string cmd =
      "c++ -O1 -shared -fPIC -w -o '" + so + "' '" + cpp + "' > '" + log + "' 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream f(log);
    std::stringstream text;
    text << f.rdbuf();
    throw std::runtime_error("the CUDA source failed to compile for the CPU:\n" + text.str());
  }
  // The object stays mapped after its file is removed with the directory.
  void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw std::runtime_error(std::string("cannot load the kernels: ") + dlerror());
  return handle;
}

class CpuKernels final : public CudaOnCpu {
 public:
  explicit CpuKernels(const Schedule& s)
      : s_(s),
        plan_(cuda_launch_plan(s, kEmulatedCtas)),
        handle_(compile_and_load(kCpuPrelude + render_cuda(s, nullptr, kEmulatedCtas))),
        arena_(size_t(std::max<int64_t>(s.arena_bytes, 1))),
        inputs_(size_t(max_input_channel(s))) {
    set_thread_ = reinterpret_cast<SetThread>(symbol("dgen_emu_thread"));
    finish_ = reinterpret_cast<Finish>(symbol("dgen_finish"));
    reinterpret_cast<void (*)(void (*)(), void* (*)())>(symbol("dgen_emu_set_sync"))(cta_sync,
                                                                                     emu_coords);
    for (const CudaKernel& k : plan_.once)
      once_.push_back(reinterpret_cast<Kernel>(symbol(k.name)));
    for (const CudaKernel& k : plan_.per_block)
      per_block_.push_back(reinterpret_cast<Kernel>(symbol(k.name)));
    reset();
  }
  ~CpuKernels() override { dlclose(handle_); }

  void reverse_frame_threads(bool backwards) override { reverse_ = backwards; }

  void reset() override { init_arena(s_, arena_.data(), kResetTransient); }

  // The CUDA executor's run: inputs padded to the run's length, pointer tables as the C
  // backend's, params written into the arena before the kernels.
  void render(const RunIO& io) override {
    write_params(s_, arena_.data());
    std::vector<const float*> in(inputs_.size(), nullptr);
    for (size_t k = 0; k < in.size() && k < io.inputs.size(); ++k)
      if (!io.inputs[k].empty()) in[k] = padded_input(io.inputs[k], io.frames, inputs_[k]).data();
    launch_all(in.data(), io.outputs.data(), io.frames, io.sample_rate);
  }

  std::vector<double> read_state(int node, int var) const override {
    return read_arena_state(s_, arena_.data(), node, var);
  }

  void write_state(int node, int var, std::span<const double> values) override {
    write_arena_state(s_, arena_.data(), node, var, values);
  }

  void seek(int64_t frame) override {
    *reinterpret_cast<int64_t*>(arena_.data() + s_.buffers[s_.frame_counter].offset) = frame;
  }

 private:
  void* symbol(const std::string& name) const {
    void* p = dlsym(handle_, name.c_str());
    if (!p) throw std::runtime_error("the kernels have no " + name);
    return p;
  }

  // Every thread of a grid of `blocks` × `threads`, in order or from the last.
  void launch(Kernel k, unsigned blocks, unsigned threads, bool backwards, const float* const* in,
              float* const* out, int64_t b0, int64_t nb, int64_t frames, double sr) {
    const int64_t total = int64_t(blocks) * threads;
    for (int64_t i = 0; i < total; ++i) {
      const int64_t g = backwards ? total - 1 - i : i;
      set_thread_(unsigned(g / threads), threads, unsigned(g % threads));
      k(arena_.data(), in, out, b0, nb, frames, sr);
    }
  }

  // A grid of CTAs whose threads meet at barriers: the CTA's threads are threads of the
  // host, which run the CTAs one after another (in order or from the last), meeting at a
  // barrier between them as at every __syncthreads().
  void launch_ctas(Kernel k, unsigned blocks, unsigned threads, bool backwards,
                   const float* const* in, float* const* out, int64_t b0, int64_t nb,
                   int64_t frames, double sr) {
    CtaBarrier barrier(threads);
    g_cta_barrier = &barrier;
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (unsigned b = 0; b < blocks; ++b) {
          set_thread_(backwards ? blocks - 1 - b : b, threads, t);
          k(arena_.data(), in, out, b0, nb, frames, sr);
          barrier.arrive_and_wait();
        }
      });
    pool.clear();  // joins
    g_cta_barrier = nullptr;
  }

  // launch_all of cuda_executor.cpp, on the CPU.
  void launch_all(const float* const* in, float* const* out, int64_t frames, double sr) {
    const unsigned lanes = unsigned(s_.lanes);
    const unsigned lane_threads = std::min(kLaneThreads, lanes);
    const unsigned lane_grid = (lanes + lane_threads - 1) / lane_threads;
    for (Kernel k : once_) launch(k, lane_grid, lane_threads, false, in, out, 0, 0, frames, sr);
    int64_t nb = 0;
    for (int64_t done = 0; done < frames; done += nb) {
      nb = std::min(plan_.block, frames - done);
      const int64_t b0 = plan_.reverse ? frames - done - nb : done;
      for (size_t k = 0; k < per_block_.size(); ++k) {
        const CudaKernel& kernel = plan_.per_block[k];
        const int64_t threads = kernel_threads(kernel, nb, s_.lanes);
        const unsigned frame_grid = unsigned((threads + kGridThreads - 1) / kGridThreads);
        if (kernel.cta > 0)
          launch_ctas(per_block_[k], unsigned(threads / kernel.cta), unsigned(kernel.cta), reverse_,
                      in, out, b0, nb, frames, sr);
        else if (kernel.grid)
          launch(per_block_[k], frame_grid, kGridThreads, reverse_, in, out, b0, nb, frames, sr);
        else
          launch(per_block_[k], lane_grid, lane_threads, false, in, out, b0, nb, frames, sr);
      }
    }
    set_thread_(0, 1, 0);
    finish_(arena_.data(), frames);
  }

  const Schedule& s_;
  bool reverse_ = false;
  const CudaLaunchPlan plan_;
  void* handle_;
  std::vector<char> arena_;
  std::vector<std::vector<float>> inputs_;
  SetThread set_thread_ = nullptr;
  Finish finish_ = nullptr;
  std::vector<Kernel> once_, per_block_;
};

}  // namespace

std::unique_ptr<CudaOnCpu> make_cuda_on_cpu(const Schedule& schedule) {
  return std::make_unique<CpuKernels>(schedule);
}

}  // namespace dgen::test

#include "runtime/backends.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>

#include "backend/c/c_executor.hpp"
#include "backend/c/plugin_source.hpp"
#include "backend/c/render_c.hpp"
#include "backend/interp/interpreter.hpp"
#include "dgen/error.hpp"
#include "runtime/memory_budget.hpp"
#ifdef DGEN_HAVE_CUDA
#include "backend/cuda/cuda_api.hpp"
#include "backend/cuda/cuda_device.hpp"
#include "backend/cuda/cuda_executor.hpp"
#include "backend/cuda/render_cuda.hpp"
#endif

namespace dgen {
namespace {

std::unique_ptr<Executor> interpreter(const Schedule& s, const std::string&) {
  return make_interpreter(s);
}
std::unique_ptr<Executor> c_program(const Schedule& s, const std::string& source) {
  return make_c_executor(s, source);
}
std::unique_ptr<Executor> c_program_in(const Schedule& s, const std::string& source,
                                       const Executor& owner) {
  return make_c_executor(s, source, nullptr, &owner);
}

BackendStatus c_status() {
  if (c_compiler().empty()) return {false, no_c_compiler_reason()};
  return {true, ""};
}

BackendStatus cuda_status() {
#ifdef DGEN_HAVE_CUDA
  const cuda::Availability a = cuda::cuda_availability();
  return {a.ok, a.reason};
#else
  return {false, "this dgen was built without CUDA (no CUDA toolkit was found when it was built)"};
#endif
}

BackendStatus always() { return {true, ""}; }

// On the CPU a segment's tape that stays in cache is faster than a long one: re-running a
// segment's forward costs less than streaming a large tape through memory twice.
int64_t cache_sized_tape() { return int64_t(4) << 20; }

#ifdef DGEN_HAVE_CUDA
std::unique_ptr<Executor> cuda_program(const Schedule& s, const std::string& source) {
  return make_cuda_executor(s, source);
}
std::unique_ptr<Executor> cuda_program_in(const Schedule& s, const std::string& source,
                                          const Executor& owner) {
  return make_cuda_executor(s, source, &owner);
}
// On a GPU every segment costs launches and checkpoint copies: a tape of 1/16 of its memory,
// up to 4 GiB (one segment for the 1024-lane biquad of docs/PERFORMANCE.md).
int64_t gpu_sized_tape() {
  return int64_t(std::min<size_t>(size_t(4) << 30, cuda::Device::get().total_memory / 16));
}
// Values crossing regions in 1/16 of its memory, up to 4 GiB (also where there is no GPU:
// the source `dgen info` prints): at 1024 lanes the biquad's gradient runs blocks of 32768
// frames. Window work needs wide blocks most: a block's windows × lanes are its threads
// (64 lanes of 2048-point windows at hop 512: 128 threads per 1024 frames).
int64_t gpu_sized_blocks() {
  constexpr size_t kMost = size_t(4) << 30;
  if (!cuda::cuda_availability().ok) return int64_t(kMost);
  return int64_t(std::min(kMost, cuda::Device::get().total_memory / 16));
}
constexpr std::string (*kCudaRender)(const Schedule&, lir::Block*) = render_cuda_for_device;
constexpr auto kCudaExecutor = cuda_program;
constexpr auto kCudaExecutorIn = cuda_program_in;
constexpr auto kCudaTape = gpu_sized_tape;
constexpr auto kCudaBlocks = gpu_sized_blocks;
#else
constexpr std::string (*kCudaRender)(const Schedule&, lir::Block*) = nullptr;
constexpr std::unique_ptr<Executor> (*kCudaExecutor)(const Schedule&, const std::string&) = nullptr;
constexpr std::unique_ptr<Executor> (*kCudaExecutorIn)(const Schedule&, const std::string&,
                                                       const Executor&) = nullptr;
constexpr auto kCudaTape = cache_sized_tape;
constexpr int64_t (*kCudaBlocks)() = nullptr;
#endif

// CUDA first, for wide programs where a GPU is found; then C; the interpreter last.
const std::vector<BackendDef> kBackends = {
    // CUDA keeps a host copy of the arena's persistent part (its initial state and params).
    // The host launches each region's kernel per block: wide blocks mean few launches.
    {Backend::Cuda, "cuda", true, nullptr, nullptr, cuda_status, kCudaRender, kCudaExecutor,
     persistent_host_bytes, kCudaAutoLanes, 1024, kCudaBlocks, kCudaTape, true, kCudaExecutorIn},
    {Backend::C, "c", true, plugin_source, compile_plugin, c_status, render_c, c_program,
     arena_host_bytes, 1, 256, nullptr, cache_sized_tape, false, c_program_in},
    {Backend::Interp, "interp", true, nullptr, nullptr, always, nullptr, interpreter,
     interpreter_bytes, 1, 256, nullptr, cache_sized_tape},
};

}  // namespace

const std::vector<BackendDef>& all_backends() { return kBackends; }

const BackendDef& backend_def(Backend b) {
  for (const BackendDef& d : kBackends)
    if (d.id == b) return d;
  throw Error("'auto' is a choice among backends, not a backend");
}

std::string backend_name(Backend b) { return b == Backend::Auto ? "auto" : backend_def(b).name; }

std::optional<Backend> backend_named(std::string_view name) {
  if (name == "auto") return Backend::Auto;
  for (const BackendDef& d : kBackends)
    if (name == d.name) return d.id;
  return std::nullopt;
}

std::vector<std::string> backend_choices() {
  std::vector<std::string> names = {"auto"};
  for (const BackendDef& d : kBackends) names.push_back(d.name);
  return names;
}

int64_t wide_block_frames(int64_t least, double bytes_per_frame, int64_t budget) {
  // A power of two, so blocks stay multiples of every power-of-two hop.
  const double fits = double(budget) / std::max(bytes_per_frame, 1.0);
  if (fits >= double(kWidestBlock)) return kWidestBlock;
  return std::clamp(int64_t(std::bit_floor(uint64_t(std::max(fits, 1.0)))), least, kWidestBlock);
}

BackendStatus backend_status(Backend b) { return backend_def(b).status(); }

double executor_bytes(const Schedule& s, Backend backend) {
  return backend_def(backend).host_bytes(s);
}

void check_available(Backend b) {
  const BackendStatus status = backend_status(b);
  if (!status.available)
    throw Error("the " + backend_name(b) + " backend is not available: " + status.reason);
}

Backend resolve_backend(Backend asked, int lanes) {
  if (asked == Backend::Auto) {
    std::string passed;  // why the backends before the chosen one were not taken
    for (const BackendDef& d : kBackends) {
      if (!d.runs || d.auto_min_lanes == 0 || (d.auto_min_lanes > 1 && lanes < d.auto_min_lanes))
        continue;
      const BackendStatus status = backend_status(d.id);
      if (!status.available) {
        // A missing GPU is no reason to warn: the CPU is what `auto` expects.
        if (d.auto_min_lanes <= 1) passed += (passed.empty() ? "" : "; ") + status.reason;
        continue;
      }
      if (d.id == Backend::Interp && !passed.empty())
        std::fprintf(stderr, "dgen: warning: %s; using the interpreter (slow)\n", passed.c_str());
      return d.id;
    }
  }
  check_available(asked);
  const BackendDef& d = backend_def(asked);
  if (!d.runs)
    throw Error("the " + std::string(d.name) +
                " backend does not run programs yet (render, grad and train run on c or interp)");
  return asked;
}

const BackendDef& plugin_backend() {
  std::string reasons;
  for (const BackendDef& d : kBackends) {
    if (!d.plugin_source) continue;
    const BackendStatus status = backend_status(d.id);
    if (status.available) return d;
    reasons += (reasons.empty() ? "" : "; ") + status.reason;
  }
  throw Error("no backend can build a plugin here: " + reasons);
}

std::vector<Backend> runnable_backends() {
  std::vector<Backend> out;
  for (const BackendDef& d : kBackends)
    if (d.runs && backend_status(d.id).available) out.push_back(d.id);
  return out;
}

}  // namespace dgen

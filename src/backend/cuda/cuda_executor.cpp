#include "backend/cuda/cuda_executor.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "backend/cuda/cuda_device.hpp"
#include "backend/cuda/launch_profile.hpp"
#include "backend/cuda/nvrtc_compile.hpp"
#include "backend/cuda/render_cuda.hpp"
#include "ir/op_table.hpp"
#include "lower/lower.hpp"
#include "runtime/arena.hpp"

namespace dgen {
namespace {

// The CTAs for this machine's GPU (device_cta_shape), where there is one.
CtaShape gpu_cta_shape() {
  if (!cuda::cuda_availability().ok) return {};
  const cuda::Device& d = cuda::Device::get();
  return device_cta_shape(d.shared_per_block_optin, d.shared_per_sm);
}

// Threads per CUDA block of a kernel over lanes, and of one over frames × lanes
// (render_cuda.hpp). Few threads per block spread a small lane count over more SMs.
constexpr unsigned kLaneThreads = 64;
constexpr unsigned kGridThreads = 256;

// The persistent ranges' initial contents lie one after another in a copy on the GPU, each
// from a multiple of 16 bytes and as many bytes as whole 16-byte words cover (the arena's
// buffers are 64-byte aligned, so a range's last word stays within its padding).
constexpr size_t kCopyWord = 16;
size_t copy_words(const ArenaRange& r) { return (size_t(r.bytes) + kCopyWord - 1) / kCopyWord; }
size_t total_bytes(const std::vector<ArenaRange>& ranges) {
  size_t bytes = 0;
  for (const ArenaRange& r : ranges) bytes += copy_words(r) * kCopyWord;
  return bytes;
}

// A device buffer that grows to the largest size asked of it (inputs, outputs, pointer
// arrays), so streaming in blocks allocates once.
struct GrowingBuffer {
  std::unique_ptr<cuda::DeviceBuffer> buffer;
  CUdeviceptr at_least(size_t bytes) {
    if (!buffer || buffer->bytes() < bytes)
      buffer = std::make_unique<cuda::DeviceBuffer>(std::max<size_t>(bytes, 1));
    return buffer->pointer();
  }
};

// The executor's own kernels, compiled once per process. dgen_sum_lanes sums [row][lane]
// floats over lanes into [row], one warp per row in a fixed order (the same run gives the
// same sums bit for bit). dgen_copy_ranges copies the arena's persistent ranges from their
// initial contents (a reset) in one launch: the mrstft gradient's backward has 56 ranges
// between its tapes, and a copy call each took 0.30 ms a reset on the H100. Range y of the
// table is {arena offset, pristine offset, 16-byte words}.
constexpr const char* kHelperSource = R"(
extern "C" __global__ void dgen_copy_ranges(char *arena, const char *pristine,
                                            const long long *table, int ranges) {
  for (int r = blockIdx.y; r < ranges; r += gridDim.y) {
    uint4 *dst = (uint4 *)(arena + table[3 * r]);
    const uint4 *src = (const uint4 *)(pristine + table[3 * r + 1]);
    const long long words = table[3 * r + 2];
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < words;
         k += (long long)gridDim.x * blockDim.x)
      dst[k] = src[k];
  }
}
extern "C" __global__ void dgen_sum_lanes(const float *src, float *dst, long long rows, int lanes) {
  const long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32;
  const int w = threadIdx.x % 32;
  if (row >= rows) return;
  float s = 0.0f;
  for (int l = w; l < lanes; l += 32) s += src[row * lanes + l];
  for (int o = 16; o > 0; o /= 2) s += __shfl_down_sync(0xffffffffu, s, o);
  if (w == 0) dst[row] = s;
}
)";

CUfunction helper_kernel(const char* name) {
  // Never unloaded, like the device's context.
  static const cuda::Module* module =
      new cuda::Module(*cuda::compile_cubin(kHelperSource, cuda::Device::get().arch()));
  return module->function(name);
}

std::string describe(const Schedule& s) {
  return std::string(s.reverse ? "a reverse-time" : "a") + " program of " +
         std::to_string(s.graph.nodes.size()) + " nodes x " + std::to_string(s.lanes) + " lanes";
}

class CudaExecutor final : public Executor {
 public:
  // With an arena (another executor's, spanning this schedule's), runs in it: a
  // gradient's forward program in its backward program's arena (runtime/tape_arena.hpp).
  CudaExecutor(const Schedule& s, const std::string& source,
               std::shared_ptr<cuda::DeviceBuffer> arena)
      : s_(s),
        module_(*cuda::compile_cubin(source, cuda::Device::get().arch(),
                                     s.fast_math ? cuda::Math::Fast : cuda::Math::Precise)),
        plan_(cuda_launch_plan(s, gpu_cta_shape())),
        finish_(module_.function("dgen_finish")),
        arena_(arena ? std::move(arena)
                     : std::make_shared<cuda::DeviceBuffer>(
                           size_t(std::max<int64_t>(s.arena_bytes, 1)))),
        // Only the persistent part is ever written on the host (reset): the other pages of
        // this copy (tapes, values crossing regions) stay untouched.
        host_(std::make_unique_for_overwrite<char[]>(size_t(std::max<int64_t>(s.arena_bytes, 1)))),
        persistent_(fresh_ranges(s, true)),
        transient_(fresh_ranges(s, false)),
        pristine_(std::max<size_t>(total_bytes(persistent_), 1)),
        inputs_(size_t(max_input_channel(s))),
        outputs_(s.graph.output_index.size()),
        sums_(s.graph.output_index.size()),
        profile_(describe(s)) {
    for (const CudaKernel& k : plan_.once) once_.push_back(module_.function(k.name));
    for (const CudaKernel& k : plan_.per_block)
      per_block_.push_back(module_.function(k.name, k.shared_bytes()));
    init_arena(s_, host_.get(), TransientFill::Leave);
    std::vector<long long> table;
    size_t at = 0;
    for (const ArenaRange& r : persistent_) {
      pristine_.upload(host_.get() + r.offset, size_t(r.bytes), at);
      table.insert(table.end(), {r.offset, (long long)at, (long long)copy_words(r)});
      at += copy_words(r) * kCopyWord;
    }
    if (!table.empty()) {
      copy_table_.at_least(table.size() * sizeof(long long));
      copy_table_.buffer->upload(table.data(), table.size() * sizeof(long long));
    }
    reset();
  }

  // The persistent buffers are copied from their initial contents, kept on the GPU, in one
  // launch (dgen_copy_ranges); the transient ones are left (runtime/arena.hpp,
  // TransientFill), or filled with NaN in builds with assertions. Scratch state is written
  // before it is read.
  void reset() override {
    profile_.time("reset", stream_, [&] {
      if (kResetTransient == TransientFill::Poison)
        for (const ArenaRange& r : transient_)
          arena_->fill(size_t(r.offset), size_t(r.bytes), 0xff, stream_);
      if (!persistent_.empty()) {
        CUdeviceptr arena = arena_->pointer(), pristine = pristine_.pointer(),
                    table = copy_table_.buffer->pointer();
        int ranges = int(persistent_.size());
        void* args[] = {&arena, &pristine, &table, &ranges};
        // 64 blocks of 256 threads a range: 16 words a thread in a 4 MB range.
        const unsigned y = unsigned(std::min(ranges, 65535));
        cuda::launch(copy_ranges_, {64, y}, {256}, args, stream_);
      }
      // The host's own copies (params, state) are not ordered with the stream.
      stream_.synchronize();
    });
  }

  // This executor's arena, for an executor of `s` to run in (the constructor's `arena`).
  std::shared_ptr<cuda::DeviceBuffer> arena_for(const Schedule& s) const {
    if (s.arena_bytes > s_.arena_bytes)
      throw std::logic_error("cuda: an arena of " + std::to_string(s_.arena_bytes) +
                             " bytes shared with a program of " + std::to_string(s.arena_bytes));
    return arena_;
  }

  // Page-locked, so that the outputs' copy back runs at the link's speed; heap memory
  // where the driver refuses to lock that much.
  HostFloats host_floats(size_t count) const override {
    void* p = nullptr;
    cuda::Device::get().make_current();
    if (count > 0 && cuda::driver().cuMemAllocHost(&p, count * sizeof(float)) == CUDA_SUCCESS)
      return {static_cast<float*>(p), count, [](float* f) { cuda::driver().cuMemFreeHost(f); }};
    return HostFloats::heap(count);
  }

  uint64_t device_output(size_t k) const override {
    return outputs_.at(k).buffer ? outputs_[k].buffer->pointer() : 0;
  }

  void render(const RunIO& io) override {
    upload_params();
    std::vector<CUdeviceptr> in(inputs_.size(), 0), out(outputs_.size(), 0);
    // Inputs shorter than the run are padded with zeros; a missing one reads silence.
    std::vector<float> storage;
    profile_.time("upload inputs", stream_, [&] {
      for (size_t k = 0; k < in.size() && k < io.inputs.size(); ++k) {
        if (io.inputs[k].empty()) continue;
        const std::span<const float> padded = padded_input(io.inputs[k], io.frames, storage);
        in[k] = inputs_[k].at_least(padded.size_bytes());
        inputs_[k].buffer->upload(padded.data(), padded.size_bytes());
      }
    });
    // Only out() nodes write their output; the others (a gradient's tapes and sums, kept as
    // outputs so they are computed) would cost frames × elements × lanes of GPU memory.
    const Graph& g = s_.graph;
    for (size_t k = 0; k < out.size(); ++k)
      if (g.nodes[g.output_index[k]]->op->name == "out")
        out[k] = outputs_[k].at_least(output_bytes(k, io.frames));
    CUdeviceptr in_ptr = in_table_.at_least(in.size() * sizeof(CUdeviceptr));
    CUdeviceptr out_ptr = out_table_.at_least(out.size() * sizeof(CUdeviceptr));
    if (!in.empty()) in_table_.buffer->upload(in.data(), in.size() * sizeof(CUdeviceptr));
    if (!out.empty()) out_table_.buffer->upload(out.data(), out.size() * sizeof(CUdeviceptr));
    launch_all(in_ptr, out_ptr, io.frames, io.sample_rate);
    profile_.time("copy outputs back", stream_, [&] {
      if (io.summed_lanes > 0) return download_lane_sums(io);
      stream_.synchronize();
      for (size_t k = 0; k < out.size(); ++k)
        if (io.outputs[k] && out[k])
          outputs_[k].buffer->download(io.outputs[k], output_bytes(k, io.frames));
    });
  }

  std::vector<double> read_state(int node, int var) const override {
    const StateSpan b = state_span(s_, node, var);
    std::vector<double> out(size_t(b.count));
    if (b.f64) {
      arena_->download(out.data(), b.bytes(), size_t(b.offset));
    } else {
      std::vector<float> f(size_t(b.count));
      arena_->download(f.data(), b.bytes(), size_t(b.offset));
      std::copy(f.begin(), f.end(), out.begin());
    }
    return every_lane(b, std::move(out), s_.lanes);
  }

  void write_state(int node, int var, std::span<const double> values) override {
    const StateSpan b = state_span(s_, node, var);
    const std::vector<double> stored = stored_of(b, values, s_.lanes);
    if (b.f64) return arena_->upload(stored.data(), b.bytes(), size_t(b.offset));
    std::vector<float> f(stored.begin(), stored.end());
    arena_->upload(f.data(), b.bytes(), size_t(b.offset));
  }

  // Tapes move from the forward program to the backward one on the GPU, in order on the
  // stream, with one wait after them all (55 tapes in the STFT loss's programs).
  void copy_state(int node, int var, const Executor& from, int from_node, int from_var) override {
    const StateCopy copy{node, var, from_node, from_var};
    copy_states(from, {&copy, 1});
  }
  void copy_states(const Executor& from, std::span<const StateCopy> copies) override {
    const auto* c = dynamic_cast<const CudaExecutor*>(&from);
    for (const StateCopy& k : copies) {
      const StateSpan to = state_span(s_, k.node, k.var);
      const StateSpan src = c ? state_span(c->s_, k.from_node, k.from_var) : to;
      if (!c || src.bytes() != to.bytes() || src.f64 != to.f64)
        Executor::copy_state(k.node, k.var, from, k.from_node, k.from_var);
      else
        arena_->copy(*c->arena_, size_t(src.offset), size_t(to.offset), to.bytes(), stream_);
    }
    stream_.synchronize();
  }

  void seek(int64_t frame) override {
    arena_->upload(&frame, sizeof frame, size_t(s_.buffers[s_.frame_counter].offset));
  }

 private:
  // The block loop of the lowering's entry point, on the host: the static kernels, then per
  // block each region's kernel, then dgen_finish, on one stream without waiting between.
  void launch_all(CUdeviceptr in, CUdeviceptr out, int64_t frames, double sr) {
    CUdeviceptr arena = arena_->pointer();
    int64_t b0 = 0, nb = 0;
    void* args[] = {&arena, &in, &out, &b0, &nb, &frames, &sr};
    const unsigned lanes = unsigned(s_.lanes);
    const unsigned lane_threads = std::min(kLaneThreads, lanes);
    const cuda::Dim3 lane_grid{(lanes + lane_threads - 1) / lane_threads};
    for (size_t k = 0; k < once_.size(); ++k)
      profile_.time(plan_.once[k].name, stream_,
                    [&] { cuda::launch(once_[k], lane_grid, {lane_threads}, args, stream_); });
    const int64_t blk = plan_.block;
    for (int64_t done = 0; done < frames; done += nb) {
      nb = std::min(blk, frames - done);
      b0 = plan_.reverse ? frames - done - nb : done;
      for (size_t k = 0; k < per_block_.size(); ++k)
        profile_.time(plan_.per_block[k].name, stream_, [&] {
          const CudaKernel& kernel = plan_.per_block[k];
          if (!kernel.grid)
            return cuda::launch(per_block_[k], lane_grid, {lane_threads}, args, stream_);
          const int64_t threads = kernel_threads(kernel, nb, s_.lanes);
          const unsigned cta = kernel.cta > 0 ? unsigned(kernel.cta) : kGridThreads;
          const cuda::Dim3 grid{unsigned((threads + cta - 1) / cta)};
          cuda::launch(per_block_[k], grid, {cta}, args, stream_, unsigned(kernel.shared_bytes()));
        });
    }
    void* finish_args[] = {&arena, &frames};
    cuda::launch(finish_, {1}, {1}, finish_args, stream_);
  }

  // Sums each wanted output over its lanes on the GPU and copies the sums back.
  void download_lane_sums(const RunIO& io) {
    for (size_t k = 0; k < outputs_.size(); ++k) {
      if (!io.outputs[k] || !outputs_[k].buffer) continue;
      const int64_t rows = io.frames * io.output_elements[k];
      CUdeviceptr src = outputs_[k].buffer->pointer();
      CUdeviceptr dst = sums_[k].at_least(size_t(rows) * sizeof(float));
      int lanes = s_.lanes;
      long long n = rows;
      void* args[] = {&src, &dst, &n, &lanes};
      constexpr unsigned kThreads = 256;  // 8 rows per CUDA block
      const auto blocks = unsigned((rows * 32 + kThreads - 1) / kThreads);
      if (rows > 0) cuda::launch(sum_lanes_, {blocks}, {kThreads}, args, stream_);
    }
    stream_.synchronize();
    for (size_t k = 0; k < outputs_.size(); ++k)
      if (io.outputs[k] && sums_[k].buffer)
        sums_[k].buffer->download(io.outputs[k],
                                  size_t(io.frames * io.output_elements[k]) * sizeof(float));
  }

  bool sums_lanes() const override { return true; }

  size_t output_bytes(size_t k, int64_t frames) const {
    const Graph& g = s_.graph;
    return size_t(frames * g.nodes[g.output_index[k]]->size() * s_.lanes) * sizeof(float);
  }

  // The params' slots, written on the host and copied to the GPU: the rest of the arena
  // is the program's state, which lives on the GPU.
  void upload_params() {
    write_params(s_, host_.get());
    const Graph& g = s_.graph;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (g.nodes[i]->op->source != Source::Param) continue;
      const Buffer& b = s_.buffers[s_.slot[i]];
      const size_t bytes = size_t(g.nodes[i]->size() * s_.lanes) * sizeof(float);
      arena_->upload(host_.get() + b.offset, bytes, size_t(b.offset));
    }
  }

  const Schedule& s_;
  cuda::Module module_;
  const CudaLaunchPlan plan_;
  std::vector<CUfunction> once_, per_block_;  // the plan's kernels, in its order
  CUfunction finish_;
  std::shared_ptr<cuda::DeviceBuffer> arena_;
  std::unique_ptr<char[]> host_;  // the arena's initial state and params, before upload
  const std::vector<ArenaRange> persistent_, transient_;
  // The persistent ranges' initial contents, one after another: a reset copies them on the
  // GPU instead of writing them on the host and uploading them every run (at 64 lanes
  // the mrstft gradient's 37 MB took 9–12 ms a run).
  cuda::DeviceBuffer pristine_;
  GrowingBuffer copy_table_;  // dgen_copy_ranges' table of the persistent ranges
  const CUfunction copy_ranges_ = helper_kernel("dgen_copy_ranges"),
                   sum_lanes_ = helper_kernel("dgen_sum_lanes");
  cuda::Stream stream_;
  std::vector<GrowingBuffer> inputs_, outputs_, sums_;
  GrowingBuffer in_table_, out_table_;
  cuda::LaunchProfile profile_;
};

}  // namespace

std::unique_ptr<Executor> make_cuda_executor(const Schedule& schedule, const std::string& source,
                                             const Executor* arena_owner) {
  std::shared_ptr<cuda::DeviceBuffer> arena;
  if (arena_owner) {
    const auto* owner = dynamic_cast<const CudaExecutor*>(arena_owner);
    if (!owner) throw std::logic_error("cuda: an arena shared with another backend's program");
    arena = owner->arena_for(schedule);
  }
  return std::make_unique<CudaExecutor>(schedule, source, std::move(arena));
}

std::string render_cuda_for_device(const Schedule& schedule, lir::Block* lir) {
  return render_cuda(schedule, lir, gpu_cta_shape());
}

}  // namespace dgen

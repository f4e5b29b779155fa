#include "backend/cuda/render_cuda.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "lir/printer.hpp"
#include "lower/lower.hpp"
#include "ops/emit_util.hpp"

namespace dgen {
namespace {

// NVRTC has no C library headers: the few names the generated code takes from them.
// The math functions (sinf, expf...) are CUDA's own device functions.
constexpr const char* kPrelude =
    "typedef long long int64_t;\n"
    "typedef unsigned long long uint64_t;\n"
    "typedef int int32_t;\n"
    "typedef unsigned int uint32_t;\n"
    "#define restrict __restrict__\n"
    "#define INFINITY __int_as_float(0x7f800000)\n"
    "#define NAN __int_as_float(0x7fffffff)\n"
    // A CTA's slices of shared memory for its ops' data, sized at launch
    // (CudaKernel::shared_bytes; the tests' emulation on the CPU declares a static array).
    "#ifndef DGEN_CTA_SHARED\n"
    "#define DGEN_CTA_SHARED(name, floats) extern __shared__ float name[]\n"
    "#endif\n";

constexpr const char* kKernelParams =
    "char *arena, const float *const *in, float *const *out, int64_t b0, int64_t nb, "
    "int64_t frames, double sr";

// The loop IR as CUDA: a lane loop is the thread's own lane `l`, a per-lane local a scalar
// of the thread, every function a kernel.
class CudaPrinter final : public lir::Printer {
  std::string loop(const lir::Stmt& s, int indent) override {
    if (s.loop.iter == lir::Iter::Lane) return braces("", s.body, indent);
    return (s.loop.unroll ? pad(indent) + "#pragma unroll\n" : "") + Printer::loop(s, indent);
  }
  std::string declare(const lir::Decl& d, int indent) override {
    if (!d.per_lane) return Printer::declare(d, indent);
    return pad(indent) + d.type + " " + d.name + (d.init.empty() ? "" : " = " + d.init) + ";\n";
  }
  std::string function_head(const lir::Stmt& s) override {
    return "extern \"C\" __global__ void " + s.text + "(" + s.args + ")";
  }
};

// A loop of a region whose iterations are independent (frames without state or a shared
// slot, the windows of a region of windows, the elements of the values it holds across
// blocks): a grid runs them all at once.
bool grid_loop(const lir::Stmt& st) {
  return st.kind == lir::Kind::For && st.loop.independent && st.loop.iter != lir::Iter::Block &&
         st.loop.iter != lir::Iter::Lane;
}

struct Kernels {
  lir::Block functions;  // kernels, dgen_finish last
  CudaLaunchPlan plan;
};

class KernelMapper {
 public:
  KernelMapper(const Schedule& s, const CtaShape& ctas) : s_(s), ctas_(ctas) {}

  // Maps the lowering's functions onto kernels and its entry point's block loop onto the
  // host's launch plan.
  Kernels map() {
    lir::Block functions =
        lower(s_, {.lane_loops = false,
                   .prefetch_frames = 16,
                   .stack_tables = false,
                   .cooperative_windows = true,
                   .lane_major_window_rows =
                       [this](int64_t hop, int64_t shared_floats, int lanes) {
                         return lanes_outer(window_tile(hop, shared_floats, lanes));
                       },
                   .shared_scalars_in_lane0 = true});
    lir::Stmt entry = std::move(functions.back());
    functions.pop_back();
    k_.plan.reverse = s_.reverse;
    k_.plan.block = s_.block;
    std::map<std::string, lir::Stmt> by_name;
    for (lir::Stmt& fn : functions) by_name.emplace(fn.text, std::move(fn));
    lir::Block finish;
    // The block loop calls the frame regions' functions in the regions' order.
    size_t r = 0;
    for (lir::Stmt& st : entry.body) {
      if (st.kind == lir::Kind::Call) once(std::move(by_name.at(st.text)));
      if (st.kind == lir::Kind::Once) finish = std::move(st.body);
      if (st.kind == lir::Kind::For && st.loop.iter == lir::Iter::Block)
        for (const lir::Stmt& call : st.body)
          if (call.kind == lir::Kind::Call)
            per_block(std::move(by_name.at(call.text)), s_.regions.at(++r).one_lane);
    }
    k_.functions.push_back(
        lir::function("dgen_finish", "char *arena, int64_t frames", std::move(finish)));
    return std::move(k_);
  }

 private:
  // The static region's parts run at the frame counter, once per run.
  void once(lir::Stmt fn) {
    k_.plan.once.push_back({fn.text});
    kernel_of(std::move(fn), "*tcount");
  }

  // A frame region's function: one kernel, or, when it has loops whose iterations are
  // independent, a grid per such loop and a kernel of one thread per lane for what runs
  // between them, in order. A region of lane 0 alone (`one_lane`) has its kernels run
  // that lane alone.
  void per_block(lir::Stmt fn, bool one_lane) {
    // T0 as the lowering's block loop computes it.
    const std::string t0 = s_.reverse ? "*tcount - frames + b0" : "*tcount + b0";
    lir::Stmt region = std::move(fn.body.back());
    fn.body.pop_back();
    std::vector<lir::Block> parts;
    for (lir::Stmt& st : region.body) {
      if (parts.empty() || grid_loop(st) || grid_loop(parts.back().front())) parts.emplace_back();
      parts.back().push_back(std::move(st));
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      lir::Stmt k = fn;
      if (parts.size() > 1) k.text += "_" + std::to_string(p);
      CudaKernel kernel{k.text};
      kernel.one_lane = one_lane;
      const lir::Stmt& first = parts[p].front();
      if (grid_loop(first)) {
        kernel.grid = true;
        if (first.loop.iter == lir::Iter::Element)
          kernel.rows = std::stoll(first.loop.to);
        else
          kernel.stride = std::stoll(first.loop.step);
        if (first.loop.iter == lir::Iter::Window && kernel.stride > 1) {
          // The rows' layout follows the tile (as the lowering laid them out).
          kernel.shared_floats = first.loop.shared_floats;
          kernel.tile = window_tile(kernel.stride, kernel.shared_floats, kernel.lanes(s_.lanes));
          kernel.lanes_outer = lanes_outer(kernel.tile);
          if (kernel.shared_floats > 0)
            kernel.shared_stride = shared_stride(kernel.tile, kernel.shared_floats);
          kernel.cta = cta_threads(kernel.shared_bytes());
        }
      }
      k.body.push_back(lir::scope(region.text, std::move(parts[p])));
      k_.plan.per_block.push_back(kernel);
      kernel_of(std::move(k), t0, kernel);
    }
  }

  // The lanes of one window's CTA in a region of windows of hop `hop` that runs `lanes`
  // lanes (CudaKernel::lanes): up to 32 (a warp of adjacent lanes of one element
  // coalesces), narrower when long windows are few per block, so that the GPU gets enough CTAs
  // (each window's threads then share fewer lanes and more elements), and where the lanes'
  // `shared_floats` each would not fit the CTA's shared memory. Both before the rows' layout is
  // chosen: a tile narrowed after it would read lanes-innermost rows a lane at a time (the
  // 2048-point windows of a 65536-frame block 3x slower, measured on the H200).
  int window_tile(int64_t hop, int64_t shared_floats, int lanes) const {
    int tile = std::gcd(std::min(lanes, 32), ctas_.threads);
    while (lanes % tile != 0) tile /= 2;
    const int64_t windows = s_.block / hop + 1;
    while (tile > 1 && windows * (lanes / tile) < ctas_.fill) tile /= 2;
    // Without shared memory, CTAs of `threads` share an SM by the several: narrower tiles
    // (not below a sector's lanes, which would change the rows' layout) until their
    // threads reach `fill` × `sm_threads` (two CTAs of 1024 an SM: every thread a large
    // GPU holds). Measured on the H100 (docs/PERFORMANCE.md): the STFT loss's 2048-point
    // windows after its levels 13% faster in 1032 CTAs than in 516.
    if (shared_floats == 0)
      while (tile > ctas_.sector_lanes &&
             windows * (lanes / tile) * ctas_.threads < ctas_.fill * ctas_.sm_threads)
        tile /= 2;
    auto bytes = [&](int t) {
      return t * shared_stride(t, shared_floats) * int64_t(sizeof(float));
    };
    while (tile > 1 && bytes(tile) > ctas_.shared_bytes &&
           (tile > ctas_.sector_lanes || bytes(tile) > ctas_.most_shared_bytes))
      tile /= 2;
    return tile;
  }

  // The threads of a CTA of `shared_bytes` of shared memory (CtaShape::sm_threads).
  int cta_threads(int64_t shared_bytes) const {
    const int64_t fit = shared_bytes > 0
                            ? std::max<int64_t>(1, ctas_.sm_shared_bytes / shared_bytes)
                            : ctas_.sm_threads;
    int threads = ctas_.threads;
    while (threads < 1024 && threads * fit < ctas_.sm_threads) threads *= 2;
    return threads;
  }

  // A tile narrower than a memory sector of floats would waste most of every sector its
  // warps touch in lanes-innermost rows: its threads take adjacent elements of one lane
  // instead, in rows laid out lane-major. Measured on the H200 (docs/PERFORMANCE.md): the
  // 2048-point windows' backward 1.6x faster at tile 2; wider tiles slower that way (their
  // reads of other regions' rows no longer coalesce).
  bool lanes_outer(int tile) const { return tile < ctas_.sector_lanes; }

  // The floats between the tile's lanes' slices of shared memory. Where a warp's threads
  // take adjacent lanes, 32 / tile adjacent elements each, the slices start 32 / tile
  // banks apart (of 32), so that the warp's accesses to the same element of every lane
  // fall in different banks: slices a multiple of 32 floats apart would all hit one.
  int64_t shared_stride(int tile, int64_t shared_floats) const {
    const int64_t whole = (shared_floats + 31) / 32 * 32;
    return lanes_outer(tile) ? whole : whole + std::max(1, 32 / tile);
  }

  // A function as a kernel: its frame counter and thread coordinates first; in a grid,
  // its region's loop (independent iterations) becomes the thread's own iteration (or, in
  // a CTA per window, the CTA's).
  void kernel_of(lir::Stmt fn, const std::string& t0, const CudaKernel& kernel = {}) {
    lir::Stmt* grid = kernel.grid ? &fn.body.back().body.front() : nullptr;
    const std::string tcount =
        "(const int64_t *)(arena + " + std::to_string(s_.buffers[s_.frame_counter].offset) + ")";
    lir::Block head = {lir::line("const int64_t *const tcount = " + tcount + ";"),
                       lir::line("const int64_t T0 = " + t0 + "; (void)frames;")};
    // The lanes the kernel runs (CudaKernel::lanes), of the L every buffer holds.
    const std::string lanes = kernel.one_lane ? "1" : "L";
    if (kernel.cta > 0) {
      const std::string tiles = std::to_string(kernel.lanes(s_.lanes) / kernel.tile),
                        tile = std::to_string(kernel.tile);
      head.push_back(lir::line("const int64_t w_ = blockIdx.x / " + tiles + ";"));
      // The thread's lane in the tile and first element: adjacent threads take adjacent
      // lanes, or adjacent elements of one lane (CudaKernel::lanes_outer).
      const std::string per_lane = std::to_string(kernel.cta / kernel.tile);
      const auto [lane, first] = kernel.lanes_outer ? std::pair{" / " + per_lane, " % " + per_lane}
                                                    : std::pair{" % " + tile, " / " + tile};
      head.push_back(lir::line("const int l = (int)(blockIdx.x % " + tiles + ") * " + tile +
                               " + (int)(threadIdx.x" + lane + ");"));
      head.push_back(lir::line(std::string("const int64_t ") + kThreadFirst + " = threadIdx.x" +
                               first + ", " + kThreadStride + " = " + per_lane + ";"));
      // The CTA's scratch for sums its threads share (emit_util's emit_sum).
      head.push_back(lir::line(std::string("const int ") + kTileLane + " = (int)(threadIdx.x" +
                               lane + "), " + kTileLanes + " = " + tile + "; (void)" + kTileLane +
                               "; (void)" + kTileLanes + ";"));
      head.push_back(lir::line(std::string("__shared__ double ") + kCtaScratch + "[" +
                               std::to_string(kernel.cta) + "]; (void)" + kCtaScratch + ";"));
      if (kernel.shared_floats > 0) {
        head.push_back(lir::line(std::string("DGEN_CTA_SHARED(") + kCtaShared + ", " +
                                 std::to_string(kernel.tile * kernel.shared_stride) + ");"));
        head.push_back(lir::line(std::string("const int64_t ") + kSharedStride + " = " +
                                 std::to_string(kernel.shared_stride) + ";"));
      }
      // The CTA's window: from + w_ * step. Every thread of the CTA takes the same branch.
      take_iteration(*grid, "w_");
    } else if (grid) {
      head.push_back(
          lir::line("const int64_t g = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;"));
      head.push_back(lir::line("const int l = (int)(g % " + lanes + ");"));
      // Thread g's iteration of the loop: from + (g / lanes) * step.
      take_iteration(*grid, "g / " + lanes);
    } else {
      head.push_back(lir::line("const int l = blockIdx.x * blockDim.x + threadIdx.x;"));
      head.push_back(lir::line("if (l >= " + lanes + ") return;"));
    }
    fn.body.insert(fn.body.begin(), head.begin(), head.end());
    fn.args = kKernelParams;
    k_.functions.push_back(std::move(fn));
  }

  // A loop whose iterations are independent becomes one iteration, the `n`-th: its
  // variable from + n * step, its body under a check against the loop's end.
  static void take_iteration(lir::Stmt& loop_stmt, const std::string& n) {
    const lir::Loop& loop = loop_stmt.loop;
    const std::string at = loop.from == "0" && loop.step == "1"
                               ? n
                               : "(" + loop.from + " + " + n + " * " + loop.step + ")";
    lir::Block body = {lir::line("const int64_t " + loop.var + " = " + at + ";")};
    for (lir::Stmt& st : loop_stmt.body) body.push_back(std::move(st));
    loop_stmt = lir::if_(at + " < " + loop.to, std::move(body));
  }

  const Schedule& s_;
  const CtaShape ctas_;
  Kernels k_;
};

}  // namespace

std::string render_cuda(const Schedule& s, lir::Block* lir) {
  return render_cuda(s, lir, CtaShape{});
}

std::string render_cuda(const Schedule& s, lir::Block* lir, const CtaShape& ctas) {
  Kernels k = KernelMapper(s, ctas).map();
  std::string src = "/* generated by dgen: " + std::to_string(s.graph.nodes.size()) + " nodes, " +
                    std::to_string(s.regions.size()) + " regions, " +
                    std::to_string(s.arena_bytes) + " arena bytes */\n" + kPrelude + "#define L " +
                    std::to_string(s.lanes) + "\n#define BLK " + std::to_string(s.block) + "\n";
  if (max_input_channel(s) > 0) src += "static __device__ float dgen_silence[BLK];\n";
  src += CudaPrinter().print(k.functions);
  if (lir) *lir = std::move(k.functions);
  return src;
}

CtaShape device_cta_shape(int64_t block_optin, int64_t sm_bytes) {
  CtaShape c;
  const int64_t scratch = 1024 * int64_t(sizeof(double));  // at the most threads
  c.most_shared_bytes = std::min(c.most_shared_bytes, block_optin - scratch);
  c.shared_bytes = std::min(c.shared_bytes, c.most_shared_bytes);
  c.sm_shared_bytes = sm_bytes;
  return c;
}

CudaLaunchPlan cuda_launch_plan(const Schedule& s, const CtaShape& ctas) {
  return KernelMapper(s, ctas).map().plan;
}

}  // namespace dgen

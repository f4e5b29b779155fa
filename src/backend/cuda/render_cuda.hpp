// Renders a schedule as CUDA C++ from the loop IR of the shared lowering (lower/lower.hpp),
// and says how to launch it. Every function the lowering makes becomes a kernel (extern "C")
//   NAME(char *arena, const float *const *in, float *const *out, int64_t b0, int64_t nb,
//        int64_t frames, double sr)
// that finds its frame counter T0 in the arena as the lowering's block loop does. The host
// runs the block loop (CudaLaunchPlan): the static kernels once, then per block of frames
// each region's kernel in order on one stream, then dgen_finish(arena, frames) in one
// thread (the frame counter, which no thread may advance while others read it). A region
// kernel runs one of these ways (docs/ARCHITECTURE.md, "The CUDA backend"):
//   - lanes: thread l runs lane l over the block's frames in order (regions with state,
//     hop copies, or frames that share a slot);
//   - chunks × lanes: a recurrence linear in its state (Region::scan) runs grids over
//     chunks of frames × lanes, and a kernel of one thread per lane between them;
//   - frames × lanes: a frame-parallel region whose frames are independent runs thread
//     g on frame g / L of lane g % L, so a warp reads adjacent lanes (or, at one lane,
//     adjacent frames) of every [frame][lane] buffer;
//   - windows: a region of windows runs a CTA per hop frame of the block and tile of
//     adjacent lanes, whose threads share the window's element loops and FFTs with a
//     barrier after each op (LowerTarget::cooperative_windows); grids over elements ×
//     lanes before and after it copy the values it holds across blocks.
// `in` and `out` are device arrays of device pointers, laid out as the C backend's.
#pragma once
#include <string>
#include <vector>

#include "lir/lir.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

struct CudaKernel {
  std::string name;
  bool grid = false;   // a grid over a loop's iterations (frames, windows, elements) × lanes; else
                       // one thread per lane
  int64_t stride = 1;  // frames per row of the grid (a region of windows: its hop)
  int64_t rows = 0;    // > 0: the grid's rows whatever the block (elements)
  // > 0 (a region of windows): CTAs of `cta` threads, each running one window of `tile`
  // lanes, its cta / tile threads per lane sharing the window's element loops.
  int cta = 0, tile = 0;
  // In a region of windows: the CTA's threads take adjacent elements of one lane, whose
  // rows the lowering lays out [row][lane][element] (a tile narrower than a 32-byte
  // memory sector of floats); else adjacent lanes of one element.
  bool lanes_outer = false;
  // In a region of windows: floats of shared memory each lane of the tile uses (the
  // FFT's data; lir::Loop::shared_floats), and the floats between the lanes' slices.
  int64_t shared_floats = 0, shared_stride = 0;
  // Its region's values are the same in every lane (Region::one_lane): it runs lane 0
  // alone (its threads, or its CTAs in a region of windows).
  bool one_lane = false;
  int lanes(int program_lanes) const { return one_lane ? 1 : program_lanes; }
  // The CTA's dynamic shared memory (the tile's slices), given at launch.
  int64_t shared_bytes() const { return tile * shared_stride * int64_t(sizeof(float)); }
};

// The CTAs of regions of windows (CudaKernel::cta): `threads` share a window; a launch
// should have at least `fill` CTAs, two for each SM of a large GPU (132 on an H200), so
// that few windows per block run in narrower tiles of lanes. A tile narrower than
// `sector_lanes` (the floats of a 32-byte memory sector) takes adjacent elements of one
// lane per thread (CudaKernel::lanes_outer). Tests emulating the kernels on the CPU use
// few threads, and a narrower sector so that both mappings run.
struct CtaShape {
  int threads = 256;
  int64_t fill = 264;
  int sector_lanes = 8;
  // Bytes of a CTA's shared memory for its ops' data (CudaKernel::shared_floats): a
  // region whose windows need more takes fewer lanes per CTA, so that several CTAs share
  // an SM; but not fewer than `sector_lanes` while the tile fits `most_shared_bytes` (of
  // the 227 KB a Hopper CTA may ask for, beside its scratch for sums; less on a GPU that
  // allows less, device_cta_shape), since narrower tiles read their lanes-innermost rows
  // a sector per element.
  int64_t shared_bytes = 40 << 10;
  int64_t most_shared_bytes = 160 << 10;
  // A CTA of much shared memory shares its SM (`sm_shared_bytes`) with few others: it
  // takes more threads (up to 1024, a power of two), so that the SM still runs at least
  // `sm_threads` (latency hidden). Measured on the H100 (docs/PERFORMANCE.md): a 2048-point
  // window's tile of 8 lanes (128 KB, one CTA an SM) 1.4x faster at 1024 threads than at
  // 256; a 1024-point one's (64 KB, three an SM) fastest at 512.
  int64_t sm_shared_bytes = 228 << 10;
  int sm_threads = 1024;
};

// The CTAs for a GPU whose CTA may ask for `block_optin` bytes of shared memory and whose
// SM has `sm_bytes`: the defaults above (a Hopper's: 227 and 228 KB), with the slices'
// most lowered where a CTA may ask for less (beside its scratch for sums, 8 bytes a
// thread), so that a GPU of less shared memory runs the same windows in narrower tiles.
CtaShape device_cta_shape(int64_t block_optin, int64_t sm_bytes);

// The threads of a kernel's launch on a block of `nb` frames: one per lane, or a grid's
// rows × lanes, rows covering the block's frames rounded up to the lowering's padding (a
// multiple of 16), or its hop frames, or a fixed count (elements). Each thread checks its
// row against the loop's end.
inline int64_t kernel_threads(const CudaKernel& k, int64_t nb, int program_lanes) {
  const int lanes = k.lanes(program_lanes);
  if (!k.grid) return lanes;
  if (k.rows > 0) return k.rows * lanes;
  const int64_t rows = k.stride > 1 ? nb / k.stride + 1 : (nb + 15) / 16 * 16;
  if (k.cta > 0) return rows * (lanes / k.tile) * k.cta;
  return rows * lanes;
}

struct CudaLaunchPlan {
  std::vector<CudaKernel> once;       // the static region's kernels, once per run
  std::vector<CudaKernel> per_block;  // the frame regions' kernels, per block in order
  bool reverse = false;               // blocks from the last (a backward program)
  int64_t block = 0;                  // frames per block
};

std::string render_cuda(const Schedule& s, lir::Block* lir = nullptr);
std::string render_cuda(const Schedule& s, lir::Block* lir, const CtaShape& ctas);
CudaLaunchPlan cuda_launch_plan(const Schedule& s, const CtaShape& ctas = {});

}  // namespace dgen

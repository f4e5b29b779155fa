// The lowering shared by every backend that generates code: a schedule becomes loop IR
// (lir/lir.hpp), one Function per part of the static region and per frame region, then the
// entry point
//   dgen_run(char *arena, const float *const *in, float *const *out, int64_t frames, double sr)
// that computes the static region, then the frame regions block by block. A backend
// prints it (backend/c/render_c.cpp, backend/cuda/render_cuda.cpp). All state lives in
// the arena (no static mutable data); lanes are the innermost dimension of every buffer
// (lower/layout.hpp).
#pragma once
#include <functional>

#include "lir/lir.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

// How a backend runs lanes, which the leaves' spelling depends on.
struct LowerTarget {
  // True (C): lanes are loops in the code; a per-lane local is an array `x[L]` read as
  // `x[l]`, and an op with OpDef::lane_loops writes its own lane loops innermost. False
  // (CUDA): each lane is a thread; the lane loops the lowering makes are the thread's
  // lane `l`, a per-lane local is a scalar and ops write no lane loops.
  bool lane_loops = true;
  // More than 0 (CUDA): a frame-serial region loads what it reads from other regions'
  // block buffers and from the host's inputs for this many frames ahead into registers
  // before computing them, so a thread's loads overlap instead of waiting one by one
  // behind its recurrence (docs/ARCHITECTURE.md, "The CUDA backend").
  int prefetch_frames = 0;
  // EmitCtx::stack_tables (false on a GPU).
  bool stack_tables = true;
  // True (CUDA): a region of windows runs each window on the threads of a CTA, which
  // share its ops' element loops (EmitCtx::cooperative); an op that cannot spread its
  // code runs on one of them per lane, and a barrier follows every op.
  bool cooperative_windows = false;
  // With cooperative_windows: true when a region of windows of this hop, whose ops take
  // `shared_floats` of shared memory per lane (OpDef::cta_shared), run for `lanes` lanes
  // (1 in lane 0 alone: Region::one_lane, else the schedule's), keeps the tensor rows
  // no other region reads as [row][lane][element] (layout::row_lane_major), for a
  // backend whose window threads then take adjacent elements of one lane. Unset: lanes
  // innermost.
  std::function<bool(int64_t hop, int64_t shared_floats, int lanes)> lane_major_window_rows =
      nullptr;
  // True (CUDA): a frame scalar that every lane shares (lower/lowering.hpp, find_shared)
  // and that other regions read is stored in lane 0 alone, where every lane's thread
  // writes the same value and its readers take it: a warp's loads of it are one
  // broadcast, and a block of frames costs memory once, not once per lane (an input's
  // delayed copies, the phase of a sweep every voice follows). False (C): a lane loop
  // vectorises its stores across lanes, which one address for all of them would undo.
  bool shared_scalars_in_lane0 = false;
};

// Highest 1-based input channel the program reads (the `in` array has that many entries).
int max_input_channel(const Schedule& s);

// Programs of more than this many nodes keep their functions apart (never inlined): the
// C compiler spends time superlinear in a function's size (docs/ARCHITECTURE.md).
constexpr size_t kOneFunctionUpTo = 1024;
inline bool split_functions(const Schedule& s) { return s.graph.nodes.size() > kOneFunctionUpTo; }

// The loop IR of a schedule: the static and region Functions, then the entry point
// `dgen_run` (a Function with Stmt::entry set).
lir::Block lower(const Schedule& s, const LowerTarget& target);

}  // namespace dgen

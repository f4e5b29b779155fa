// The compilation pipeline: the stages from a graph to a running program, in order, each
// a small named call (docs/ARCHITECTURE.md, "The pipeline"):
//
//   1. build graph   the C++ API or a patch builds nodes (include/dgen, src/lisp)
//   2. autodiff      a loss becomes forward and reverse-time backward outputs
//                    (src/autodiff/transform.hpp; GradProgram runs it before stage 3)
//   3. analysis      reachable nodes, topological order, SCCs (src/analysis)  dump: graph
//      stacking      many isomorphic scalar subgraphs become tensor nodes,
//                    analysed again (src/analysis/stack_scalars.hpp)           dump: stack
//   4. schedule      regions and storage (src/schedule/schedule.cpp)
//   5. memory plan   the arena (src/schedule/memory_plan.cpp)                dump: schedule
//   6. lower/render  loop IR and source, on backends that generate code     dumps: lir, source
//   7. compile       an executor on the chosen backend (runtime/backends.hpp)
//
// After each stage its dump goes to stderr when DGEN_DEBUG names it (DGEN_DEBUG=graph,lir:
// a comma-separated list), and `dgen info --dump STAGE` prints one (docs/CLI.md).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dgen/program.hpp"
#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen::pipeline {

enum class Stage { Graph, Stack, Schedule, Lir, Source };
const std::vector<std::string>& stage_names();  // in pipeline order
std::optional<Stage> stage_named(std::string_view name);

// Where a run of the stages reports: `program` names it in DGEN_DEBUG's headers ("the
// program", "the backward program"); `capture`, when set, keeps that stage's dump.
struct Trace {
  std::string program = "program";
  std::optional<Stage> capture = std::nullopt;
  std::string captured = {};
};

// Stages 3 to 5: the scheduled, memory-planned program of `outputs`, in blocks of
// `block` frames (the backend's BackendDef::block_frames), with regions of independent
// windows when `parallel_windows` (BackendDef::parallel_windows).
Schedule schedule(const std::vector<NodeRef>& outputs, int lanes, Trace& trace, int64_t block = 256,
                  bool parallel_windows = false);

// The arena bytes the block buffers of planned `s` span (after the persistent ones).
int64_t transient_span(const Schedule& s);
// Re-plans `s`, planned at `least` frames a block, at the widest block whose buffers span
// at most `budget` bytes (wide_block_frames: a power of two, 65536 frames at most).
void widen_block(Schedule& s, int64_t least, int64_t budget);

// On a backend of fixed blocks: re-plans `s` in blocks as long as the longest hop of a
// hop value that crosses regions, when that hop is a multiple of the block, at most
// kLongestHopBlock frames, the held rows (every such value's elements × lanes) at least
// kHeldRowBytes, and the block buffers then span at most `budget` bytes. Why: such a
// value's block buffer starts every block from the value held before it (a copy of every
// element of every lane), unless the block starts on one of its hops; a spectral loss's
// 4097-bin spectra at hop 2048 in 64 lanes were copied 8 times a hop at 256-frame blocks
// (docs/PERFORMANCE.md, "A batch of the global search"). Small held rows cost less than
// longer blocks do (a voice's training step in 1 lane: 3-8 % slower aligned).
constexpr int64_t kLongestHopBlock = 8192;
constexpr int64_t kHeldRowBytes = int64_t(64) << 10;
constexpr int64_t kHopBlockBytes = int64_t(64) << 20;
void align_block_to_hops(Schedule& s, int64_t budget);

// Stages 3 to 5 for `backend` (not Auto): in blocks of its block_frames (aligned to hops:
// align_block_to_hops), or, on a backend that sizes blocks by memory
// (BackendDef::block_bytes), of wide_block_frames.
Schedule schedule(const std::vector<NodeRef>& outputs, int lanes, Trace& trace, Backend backend);

// Stage 6 on `backend` (not Auto): the source ("" on a backend that generates none).
std::string lower(const Schedule& s, Backend backend, Trace& trace);

// Stage 7: an executor of `s` on `backend` from the source `lower` made; in the arena of
// `arena_owner` where one is given (BackendDef::executor_in, which the backend must have).
std::unique_ptr<Executor> compile(const Schedule& s, Backend backend, const std::string& source,
                                  const Executor* arena_owner = nullptr);

// Stages 3 to 6 for `dgen info --dump`: the dump of `stage`. Throws dgen::Error when
// `backend` (resolved from Auto) generates no source and the stage needs one.
std::string dump(Stage stage, const std::vector<NodeRef>& outputs, int lanes, Backend backend);

}  // namespace dgen::pipeline

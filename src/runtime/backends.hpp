// The backend registry: the one place that knows dgen's backends, what each can do,
// whether it can run here (and why not), and how `auto` chooses (docs/CLI.md, "Backends").
// Program, GradProgram, the command line and the tests ask it; nothing else lists backends.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/c/plugin_source.hpp"
#include "dgen/program.hpp"
#include "lir/lir.hpp"
#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

struct PluginSpec;  // backend/c/plugin_source.hpp

// The fewest lanes for which `auto` runs a program on the GPU (where one is found). Below
// it the CPU is as fast: lanes are the GPU's threads, and in 2026-12-03's measurements
// the time-varying biquad's gradient on the H200 matched one CPU core's only at 1024
// lanes (docs/CLI.md, "Backends"; docs/PERFORMANCE.md, "CUDA: regions as kernels").
constexpr int kCudaAutoLanes = 1024;

struct BackendStatus {
  bool available = false;
  std::string reason;  // why not, in one line; empty when available
};

struct BackendDef {
  Backend id;
  const char* name;  // as --backend spells it
  // What it can do. `runs` covers render, grad and train (a GradProgram is two programs).
  bool runs = false;
  // dgen compile's plugins in its language (docs/PLUGIN.md): their source, and its build
  // into a shared library; nullptr when the backend writes none.
  std::string (*plugin_source)(const Schedule&, const PluginSpec&) = nullptr;
  void (*build_plugin)(const std::string& source_path, const std::string& library_path) = nullptr;
  // Whether it can work here: its compiler, driver or GPU found (not whether it runs
  // programs yet: see `runs`).
  BackendStatus (*status)() = nullptr;
  // Lowers a schedule to source (the loop IR too when `lir` is given); nullptr when the
  // backend generates none.
  std::string (*render)(const Schedule&, lir::Block* lir) = nullptr;
  // An executor of a schedule, given the source `render` made ("" when none).
  std::unique_ptr<Executor> (*executor)(const Schedule&, const std::string& source) = nullptr;
  // Host memory an executor of a schedule allocates (checked against the memory limit,
  // docs/CLI.md "Memory limit").
  double (*host_bytes)(const Schedule&) = nullptr;
  // `auto` may choose it for programs of at least this many lanes (0: never). A GPU gains
  // only on work wide enough to fill it (docs/CLI.md, "Backends").
  int auto_min_lanes = 1;
  // Frames per block of its generated code (Schedule::block): each region runs its frame
  // loop over a block before the next region starts. With block_bytes, blocks are as long
  // as keeps the values crossing regions within that many bytes (wide_block_frames), and
  // at least block_frames.
  int64_t block_frames = 256;
  int64_t (*block_bytes)() = nullptr;
  // The default tape of a gradient's segment (GradOptions::tape_budget_bytes = 0), bytes.
  int64_t (*tape_budget)() = nullptr;
  // Window work in regions of independent windows (Schedule::parallel_windows): a GPU
  // runs a block's windows at once; a CPU runs them in turn, in the order of frames.
  bool parallel_windows = false;
  // An executor of a schedule in the arena of `owner`, an executor of this backend whose
  // schedule's arena spans this one's (Schedule::arena_base): a gradient's forward program
  // in its backward program's arena, which reads the forward's tapes where they were
  // written (runtime/tape_arena.hpp). nullptr where executors keep no arena (the
  // interpreter: the gradient runtime copies its tapes).
  std::unique_ptr<Executor> (*executor_in)(const Schedule&, const std::string& source,
                                           const Executor& owner) = nullptr;
};

// The widest block of a backend that sizes blocks by memory (frames).
constexpr int64_t kWidestBlock = int64_t(1) << 16;
// Frames per block of a program whose values crossing regions take `bytes_per_frame` (all
// lanes) within `budget` bytes: a power of two from `least` to kWidestBlock frames. The GPU
// launches its kernels once per block and region, so its blocks are wide.
int64_t wide_block_frames(int64_t least, double bytes_per_frame, int64_t budget);

// Every backend, in the order `auto` prefers them.
const std::vector<BackendDef>& all_backends();
const BackendDef& backend_def(Backend b);  // b is not Auto
std::string backend_name(Backend b);       // "auto" for Auto
std::optional<Backend> backend_named(std::string_view name);
// The names --backend accepts: "auto" then every backend's.
std::vector<std::string> backend_choices();

BackendStatus backend_status(Backend b);  // backend_def(b).status()
// Host memory an executor of `schedule` on `backend` (not Auto) allocates.
double executor_bytes(const Schedule& schedule, Backend backend);
// Throws dgen::Error("the NAME backend is not available: REASON") unless it is.
void check_available(Backend b);

// The backend a program of `lanes` lanes runs on: `auto` takes the first backend that
// runs programs, is available and takes that many lanes (CUDA from kCudaAutoLanes, where
// a GPU is found; docs/CLI.md "Backends"), warning on stderr when that is the interpreter.
// Throws dgen::Error with one line when the asked backend is unavailable or runs no
// programs.
Backend resolve_backend(Backend asked, int lanes = 1);

// The first backend that writes plugins and is available here; throws dgen::Error with
// one line when there is none.
const BackendDef& plugin_backend();

// The backends that run programs here (for the tests), in registry order.
std::vector<Backend> runnable_backends();

}  // namespace dgen

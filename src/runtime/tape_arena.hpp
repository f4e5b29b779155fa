// A gradient's tapes between its two programs: which backward tape_read reads which
// forward tape_write's tape and, where the backend's executors keep an arena, one arena
// for both programs in which the backward reads each tape where the forward wrote it
// (docs/ARCHITECTURE.md, "Gradients").
#pragma once
#include <vector>

#include "autodiff/transform.hpp"
#include "runtime/executor.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

// Each backward tape_read's tape (its state 0) from its forward tape_write's, as copies.
std::vector<Executor::StateCopy> tape_copies(const Differentiated& d, const Schedule& forward,
                                             const Schedule& backward);

// Plans the backward program's memory around the forward program's: the forward's arena
// first (Schedule::arena_base), each tape read's tape at its write's offset there, the
// backward's own buffers after it. Executors of the two programs in one arena
// (BackendDef::executor_in) then copy no tapes: at 64 lanes the STFT loss's tapes are
// 2.6 GB, which a copy read and wrote once a run.
void read_tapes_in_place(const Schedule& forward, Schedule& backward,
                         const std::vector<Executor::StateCopy>& tapes);

}  // namespace dgen

// Memory a run will need, checked before it is allocated (docs/CLI.md, "Memory limit").
//
// Programs grow with lanes, frames and tapes: `train --lanes 100000` once asked for tens
// of gigabytes and crashed on a failed allocation. Every Program and GradProgram adds up
// what a run will allocate and refuses, with a dgen::Error giving the estimate and the
// limit, what does not fit.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dgen/program.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

struct MemoryUse {
  std::string what;
  double bytes = 0;  // double: lanes × frames × elements may overflow int64 in a bad request
};

struct MemoryLimit {
  double bytes = 0;
  std::string source;  // where the limit comes from, for the message
};

// DGEN_MEMORY_LIMIT when set (bytes, or a number with a K, M, G or T suffix: powers of
// 1024), else the least of the memory available now (MemAvailable in /proc/meminfo),
// the address-space limit (RLIMIT_AS) and the cgroup's memory.max less its current use.
// Throws dgen::Error when DGEN_MEMORY_LIMIT is not a size.
MemoryLimit memory_limit();

// Throws dgen::Error "<task> needs about 3.1 GiB (a 2 GiB, b 1.1 GiB), more than the
// memory limit of 2 GiB (...)" when the uses add up to more than memory_limit().
void check_memory(const std::string& task, const std::vector<MemoryUse>& uses);

// What executors allocate on the host (the backend registry says which is whose): an
// arena (the C backend's; CUDA's host copy), the interpreter's per-lane values and state.
// An arena's part that another program owns (Schedule::arena_base) counts with that one.
double arena_host_bytes(const Schedule& schedule);
// The part of the arena a fresh state sets on the host (arena.hpp, fresh_ranges): CUDA's
// host copy, whose other pages are never touched.
double persistent_host_bytes(const Schedule& schedule);
double interpreter_bytes(const Schedule& schedule);

// 64-byte aligned memory for an arena; throws dgen::Error naming the size instead of
// returning null. Release with std::free.
char* allocate_arena(int64_t bytes);

// "512 B", "3.5 MiB", "23.6 GiB".
std::string format_bytes(double bytes);

}  // namespace dgen

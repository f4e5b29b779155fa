// Recurrences linear in their state, run as scans over chunks of frames.
//
// One thread per lane walking a block's 65536 frames in order waits on every step of its
// recurrence: a GPU with thousands of lanes' worth of threads idle. When a serial region's
// state is scalar history cells whose next values are affine in the cells (filters: a
// biquad's y, a one-pole, the adjoint recurrences of any backward program, whose
// coefficients come from tapes), the state at a chunk's end is M s + c for its state s at
// the start, M and c depending on the chunk's inputs alone. The lowering
// (src/lower/lower_scan.cpp) then runs the region in three passes: every chunk at
// once finds its M and c (running its frames from s = 0 and from each unit vector); one
// thread per lane carries the state from chunk to chunk (s ← M s + c); every chunk at
// once runs its frames again from its true start, writing the region's values. Running
// totals over frames (a gradient's frame_sum) add each chunk's part after, in order.
#pragma once
#include "schedule/schedule.hpp"

namespace dgen {

// The most cells a scan carries: its first pass runs the frames once per cell and once
// more, and carrying the state costs a cells² matrix per chunk.
constexpr size_t kMaxScanCells = 8;

// Marks the serial regions of a schedule that are linear in their state (Region::scan),
// with chunks that give a GPU of `lanes` lanes enough threads; none when the environment
// sets DGEN_SCAN=0. At every lane count: even 16384 lanes, a thread each, leave a GPU
// waiting on each thread's recurrence, and a scan, which computes what it alone reads and
// reads what every lane shares from lane 0, was faster there (the time-varying biquad's
// forward on an H100, 21.6 ms serial, 16.2 ms as a scan; docs/PERFORMANCE.md).
void find_scans(Schedule& s);

}  // namespace dgen

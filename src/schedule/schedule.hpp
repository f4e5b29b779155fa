// The schedule: the graph split into regions that run in order, and a memory plan.
//
// Regions: one static region (computed once per run), then, per block of frames,
// frame regions in order. A serial region holds whole state SCCs (a recurrence never
// spans two regions, DESIGN §3.5) and runs frame by frame; a parallel region holds
// stateless nodes, so its frame loop vectorises. Hop-rate nodes run inside frame
// regions on their hop frames. A region is labelled "hop(h)" when every node in it is.
//
// Memory: one arena per program instance. Persistent buffers (params, literals, state,
// static and held hop values, the frame counter) live for the program's life; block
// buffers (frame values that cross regions) live from their producer's region to their
// last consumer's and may share memory. The planner asserts no two live buffers overlap.
#pragma once
#include <string>
#include <vector>

#include "analysis/graph.hpp"
#include "ir/op_table.hpp"

namespace dgen {

enum class RegionKind { Static, Parallel, Serial };

// A frame region takes no further SCC once it holds this many nodes (so it may exceed it
// by one SCC); the C renderer splits the static region into parts of this size. Each
// becomes a C function of its own: the C compiler's time grows faster than linearly
// with a function's size, and a patch of thousands of oscillators would otherwise be one
// function (docs/ARCHITECTURE.md).
constexpr size_t kMaxRegionNodes = 64;

// A node that does its work on its hop frames alone (and holds its value between them).
// A region of only such nodes loops over its hop frames (lowering.hpp, hop_stride), and the
// scheduler keeps their recurrences in serial regions of their own so that frame-rate
// work does not make those loops visit every frame.
inline bool runs_on_hop_frames(const Node& n) {
  return n.rate.is_hop() && n.op->exec == Exec::AtRate;
}

struct Region {
  RegionKind kind = RegionKind::Static;
  int64_t hop = 1;  // > 1 when every node in the region is hop(hop)
  std::vector<int> nodes;
  // Independent windows (a schedule with parallel_windows): hop(hop) nodes without state
  // that run only on hop frames, so each hop frame of a block (a window of a spectral
  // loss: its FFT and spectral math) can run apart from the others. Every node keeps one
  // value per hop frame of the block (a block buffer's rows), none a single slot. With
  // hop 1: frames summed from windows (buffer_adjoint, a gather from their rows).
  bool windows = false;
  // A region whose every value is the same in every lane (analysis/lane_shared.hpp, a
  // schedule with parallel windows and lanes: a loss's target side, the phase of a sweep
  // every voice follows, a host input's delayed copies): it runs in lane 0 alone, and
  // its readers read lane 0.
  bool one_lane = false;
  // Ops that do a block's frames at once (OpDef::emit_block; a schedule with parallel
  // windows): the sums over frames of a gradient's totals, which a GPU spreads over a CTA's
  // threads instead of one thread per lane adding frame after frame.
  bool at_once = false;
  // A serial region linear in its state (a schedule with parallel_windows:
  // src/schedule/scan.hpp) runs as a scan over chunks of `chunk` frames; empty otherwise.
  struct Scan {
    int64_t chunk = 0;        // frames per chunk; 0: not a scan
    std::vector<int> cells;   // a history_read of each scalar cell of the recurrence
    std::vector<int> ramps;   // the phasors, each a recurrence mod 1 of its own
    std::vector<int> totals;  // the frame_sums, each chunk's part summed after
    // The pass that finds the chunks' maps computes only what the state needs: the values
    // that depend on no state (inputs, tapes, coefficient math) once a frame for all its
    // runs, the others (the cells' writes, the ramps) in each run. Values nothing in the
    // state reads (outputs, tapes written, a loss) wait for the pass that writes them.
    std::vector<int> fixed, varying;
    // Transient buffers of doubles (plan_memory): per chunk and lane, the chunk's map of
    // the cells (the matrix and the offset) and of the ramps (the phase from 0, whether the
    // start still counts), the cells and ramps at its start, the totals' parts.
    int maps = -1, starts = -1, parts = -1;
  } scan;
};

// Where a node's value lives while the program runs.
enum class Storage {
  Local,  // a scalar frame value used only in its own region: a C local
  Slot,   // an arena buffer holding the current value (static, hop, frame tensors)
  Block,  // a frame value that crosses regions: one row per frame of the block
};

struct Buffer {
  std::string what;
  int64_t offset = 0, bytes = 0;
  bool persistent = true;
  int first_region = 0, last_region = 0;  // lifetime, for transient buffers
};

struct Schedule {
  Graph graph;
  int lanes = 1;
  int64_t block = 256;
  // A reverse schedule runs time backwards (the backward program of autodiff): run(n)
  // processes frames t = T - 1 down to T - n, T being the frame counter, and leaves the
  // counter at T - n. Hop frames are still t ≡ 0 mod hop. Set before rendering.
  bool reverse = false;
  // Window work in regions of independent windows (Region::windows): set by backends
  // that run a block's windows at once (a GPU). Ops that fill windows from frames or sum
  // them back onto frames join them where they say how (OpDef::emit_window). Such a
  // schedule also runs serial regions linear in their state as scans (Region::scan).
  bool parallel_windows = false;
  // Compiled with the backend's fast approximations (RenderOptions::fast_math). Set
  // before compiling.
  bool fast_math = false;
  std::vector<Region> regions;   // regions[0] is the static region
  std::vector<int> region_of;    // node -> region
  std::vector<Storage> storage;  // node -> storage
  std::vector<int> slot;         // node -> Slot buffer (also held value of a hop Block), or -1
  std::vector<int> block_buf;    // node -> Block buffer, or -1
  std::vector<std::vector<int>> state;            // node -> one buffer per StateVar (cells share)
  std::vector<std::vector<StateVar>> state_vars;  // node -> its StateVars
  std::vector<Buffer> buffers;
  int frame_counter = -1;  // buffer holding the int64 frame counter
  int64_t arena_bytes = 0;
  // Another program's bytes at the start of this one's arena, and state of this program
  // that lies in them: a gradient's backward program shares its forward program's arena
  // and reads each tape where the forward wrote it (runtime/tape_arena.hpp). The memory
  // plan places this program's own buffers from arena_base on, and node n's first state
  // buffer at the offset `placed_state` gives for n.
  int64_t arena_base = 0;
  std::vector<std::pair<int, int64_t>> placed_state;

  std::string describe() const;
};

// A node of a region of windows (hop > 1) of a schedule with parallel windows whose op
// gives its element as an expression (OpDef::element: a view, a tape's read or write, an
// elementwise op where one reader computes it) and that no other region reads, or, for a
// view or a tape's read, only later regions of windows of its hop: its readers compute
// its element where they read it (lower/lowering.hpp), so it keeps no rows and no slot
// (schedule/memory_plan.cpp).
bool read_through(const Schedule& s, int node);

// The nodes that read node's stored value: its users, and for a user read through, the
// nodes that read that one (and the user itself where it still runs: a tape's write).
std::vector<int> stored_readers(const Schedule& s, int node);

// Regions and storage of an analysed graph; its buffers are placed by plan_memory
// (schedule/memory_plan.hpp).
Schedule schedule_graph(Graph graph, int lanes, bool parallel_windows = false);
// build_graph, schedule_graph and plan_memory in one call (runtime/pipeline.hpp runs the
// same stages one by one, with their dumps).
Schedule make_schedule(const std::vector<NodeRef>& outputs, int lanes);

}  // namespace dgen

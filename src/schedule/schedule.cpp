#include "schedule/schedule.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "analysis/lane_shared.hpp"
#include "dgen/error.hpp"
#include "schedule/memory_plan.hpp"
#include "schedule/scan.hpp"

namespace dgen {
namespace {

bool is_serial_node(const Node& n) {
  return n.op->stateful || n.rate.is_hop() || n.op->exec == Exec::EveryFrame;
}

// What the region of an SCC is: frame-parallel, frame-serial (a recurrence, or state),
// or window work (a hop node in no recurrence: a buffer, an FFT, spectral math). Window
// work gets regions of its own, so it runs after the frame loops that feed it, all the
// windows of a block together, instead of inside a recurrence's tight loop. With
// parallel windows, window work is only what runs on hop frames alone without state, and
// a region of it holds one hop ({kWindow, hop}), so its windows are independent; frames
// gathered from windows ({kWindow, 1}) are likewise independent. A recurrence that runs on
// hop frames alone (a loss's running total over windows) gets serial regions of its own
// (kHopSerial), one per hop, whose loops visit only their hop frames (lowering.hpp,
// hop_stride): joined with frame-rate work, it would make that loop visit every frame, and
// joined with another hop's, the hops' common divisor (a multi-resolution loss's running
// levels at hops 16 … 512 visited every 16th frame for all six). With parallel windows,
// an op that can do a block's frames at once (OpDef::emit_block) gets a region of its own
// (kAtOnce), unless a serial region computes its input: there it joins the loop, where its
// input is a local (a row per frame written to memory would cost more). With parallel
// windows and lanes, SCCs whose values every lane shares (a loss's target side, a sweep's
// phase every voice follows) get regions of their own that run in lane 0 alone
// (Region::one_lane), opened before others.
enum Kind { kParallel, kSerial, kHopSerial, kAtOnce, kWindow };

// A kind with the hop that SCCs sharing a region must have alike: a parallel window
// region's (0 without parallel windows, 1 for frames gathered from windows) and a hop
// serial region's (the gcd of its nodes' hops).
struct SccKind {
  Kind kind;
  int64_t hop = 0;
  bool one_lane = false;
  auto operator<=>(const SccKind&) const = default;
};

// A node that can do a block's frames at once: an op that says how, at frame rate, whose
// value no node reads (a program's root, such as a gradient's total: the host reads its
// state).
bool at_once_node(const Graph& g, int i) {
  const Node& n = *g.nodes[i];
  return n.op->emit_block && n.rate.is_frame() && g.users[i].empty();
}

// A hop node that runs on hop frames alone without state, or that fills its window from
// a frame-rate (or static) input and says how to do so in a region of windows.
bool independent_window_node(const Node& n) {
  if (!n.rate.is_hop()) return false;
  if (n.op->emit_window) return !n.inputs[0]->rate.is_hop();
  return runs_on_hop_frames(n) && !n.op->stateful;
}

// Lanes from which an SCC outside windows whose values every lane shares gets a region of
// lane 0 alone. A window's FFT is much work, so windows go to lane 0 at any lane count;
// a frame or hop recurrence is little, and in every lane of a few it costs less than the
// kernels a region of its own adds and the latency of a scan that one thread carries
// across the block's chunks. Measured on an H100 (docs/PERFORMANCE.md, "CUDA: regions of
// lane 0 alone from 4096 lanes"): a modulated biquad's sweep in lane 0 alone cost 0.55 ms a
// forward at 256 and 1024 lanes × 65536 frames and saved 0.22 ms at 4096, 2.6 at 16384.
constexpr int kOneLaneRegionsFrom = 4096;

SccKind scc_kind(const Schedule& s, const std::vector<int>& nodes,
                 const std::vector<bool>& shared) {
  const Graph& g = s.graph;
  const Node& first = *g.nodes[nodes[0]];
  if (nodes.size() == 1 && first.rate.is_hop()) {
    if (!s.parallel_windows) return {kWindow};
    if (independent_window_node(first))
      return {kWindow, first.rate.hop, s.lanes > 1 && shared[size_t(nodes[0])]};
  }
  // A frame-rate op that sums windows back onto frames and says how to do so frame by
  // frame from their rows (buffer_adjoint): a region of independent frames (hop 1).
  if (s.parallel_windows && nodes.size() == 1 && first.rate.is_frame() && first.op->emit_window &&
      first.inputs[0]->rate.is_hop())
    return {kWindow, 1};
  bool serial = nodes.size() > 1, on_hop_frames = true;
  bool one_lane = s.lanes >= kOneLaneRegionsFrom;
  int64_t hops = 0;
  for (int i : nodes) {
    serial = serial || is_serial_node(*g.nodes[i]);
    on_hop_frames = on_hop_frames && runs_on_hop_frames(*g.nodes[i]);
    if (on_hop_frames) hops = std::gcd(hops, g.nodes[i]->rate.hop);
    one_lane = one_lane && shared[size_t(i)];
  }
  if (!serial) return {kParallel, 0, one_lane};
  return on_hop_frames ? SccKind{kHopSerial, hops, one_lane} : SccKind{kSerial, 0, one_lane};
}

// Splits the non-static nodes into regions: whole SCCs, greedily grouped so that
// consecutive SCCs of the same kind share a region.
void make_regions(Schedule& s) {
  const Graph& g = s.graph;
  const int n = int(g.nodes.size());
  s.region_of.assign(n, -1);
  s.regions.emplace_back().kind = RegionKind::Static;
  std::map<int, std::vector<int>> members;  // scc -> nodes in topological order
  for (int i = 0; i < n; ++i) {
    if (g.nodes[i]->rate.is_static()) {
      s.regions[0].nodes.push_back(i);
      s.region_of[i] = 0;
    } else {
      members[g.scc[i]].push_back(i);
    }
  }
  std::map<int, SccKind> kind_of;
  std::map<int, int> pending;
  std::map<int, std::set<int>> succ;
  const std::vector<bool> shared =
      s.parallel_windows && s.lanes > 1 ? lane_shared(g) : std::vector<bool>(size_t(n), false);
  for (auto& [c, nodes] : members) {
    kind_of[c] = scc_kind(s, nodes, shared);
    pending[c];
  }
  if (s.parallel_windows)
    for (auto& [c, nodes] : members)
      if (nodes.size() == 1 && at_once_node(g, nodes[0])) kind_of[c] = {kAtOnce};
  for (auto& [c, nodes] : members)
    for (int i : nodes)
      for (int u : g.users[i])
        if (g.scc[u] != c && succ[c].insert(g.scc[u]).second) ++pending[g.scc[u]];
  // Ready SCCs by kind, ordered by their first node's topological position. A serial
  // region also takes ready parallel SCCs of cheap scalar nodes (the feed-forward sum of a
  // biquad, an out): a loop of their own would cost more than they do. Not every scalar
  // one, even on a GPU whose lanes alone fill it: the time-varying biquad at 16384 lanes
  // with its coefficients' sines and divisions in the loop took 29.5 ms on the H200
  // against 22.9 with them in a grid over frames (one thread per lane is 4 warps an SM,
  // each waiting on its own chain; docs/PERFORMANCE.md).
  std::map<SccKind, std::set<std::pair<int, int>>> ready;
  auto fusable = [&](int c) {
    return kind_of[c].kind == kParallel &&
           std::all_of(members[c].begin(), members[c].end(),
                       [&](int i) { return g.nodes[i]->op->cheap && g.nodes[i]->size() == 1; });
  };
  auto make_ready = [&](int c) { ready[kind_of[c]].insert({members[c].front(), c}); };
  for (auto& [c, p] : pending)
    if (p == 0) make_ready(c);
  std::erase_if(ready, [](auto& e) { return e.second.empty(); });
  std::optional<SccKind> kind;  // the current region's
  const SccKind at_once{kAtOnce};
  while (!ready.empty()) {
    const bool full = kind && s.regions.back().nodes.size() >= kMaxRegionNodes;
    // The serial region goes on with an op that does a block at once whose input it
    // computes (there the input is a local, and the sum one more add a frame), or, when no
    // serial SCC is ready, with a fusable parallel SCC that runs in as many lanes.
    std::set<std::pair<int, int>>::iterator fused;
    bool fuse = false;
    const bool in_serial = kind && kind->kind == kSerial;
    const SccKind serial{kSerial, 0, in_serial && kind->one_lane},
        parallel{kParallel, 0, in_serial && kind->one_lane};
    SccKind fuse_from = parallel;
    if (in_serial && !kind->one_lane && !full && ready.count(at_once)) {
      auto& ops = ready[at_once];
      const int current = int(s.regions.size()) - 1;
      fused = std::find_if(ops.begin(), ops.end(), [&](auto& e) {
        return s.region_of[g.inputs[members[e.second].front()][0]] == current;
      });
      fuse = fused != ops.end();
      fuse_from = at_once;
    }
    if (!fuse && in_serial && !full && !ready.count(serial) && ready.count(parallel)) {
      auto& sccs = ready[parallel];
      fused = std::find_if(sccs.begin(), sccs.end(), [&](auto& e) { return fusable(e.second); });
      fuse = fused != sccs.end();
      fuse_from = parallel;
    }
    if (!fuse && (!kind || full || !ready.count(*kind))) {
      // A new region, of the kind whose next SCC comes first in topological order, lane-0
      // windows first.
      kind.reset();
      for (auto& [k, r] : ready)
        if (!kind ||
            (k.one_lane != kind->one_lane ? k.one_lane
                                          : r.begin()->first < ready[*kind].begin()->first))
          kind = k;
      s.regions.emplace_back().kind =
          kind->kind == kParallel ? RegionKind::Parallel : RegionKind::Serial;
      s.regions.back().windows = s.parallel_windows && kind->kind == kWindow && kind->hop > 0;
      s.regions.back().at_once = kind->kind == kAtOnce;
      s.regions.back().one_lane = kind->one_lane;
    }
    const SccKind from = fuse ? fuse_from : *kind;
    const auto next = fuse ? fused : ready[from].begin();
    const int c = next->second;
    ready[from].erase(next);
    if (ready[from].empty()) ready.erase(from);
    for (int i : members[c]) {
      s.regions.back().nodes.push_back(i);
      s.region_of[i] = int(s.regions.size()) - 1;
    }
    for (int d : succ[c])
      if (--pending[d] == 0) make_ready(d);
  }
  for (size_t r = 1; r < s.regions.size(); ++r) {
    Region& region = s.regions[r];
    const Rate first = g.nodes[region.nodes.front()]->rate;
    const bool all_hop = std::all_of(region.nodes.begin(), region.nodes.end(), [&](int i) {
      return g.nodes[i]->rate == first && (g.nodes[i]->op->exec == Exec::AtRate || region.windows);
    });
    if (all_hop && first.is_hop()) region.hop = first.hop;
  }
}

void assign_storage(Schedule& s) {
  const Graph& g = s.graph;
  const int n = int(g.nodes.size());
  s.storage.assign(n, Storage::Slot);
  for (int i = 0; i < n; ++i) {
    const Node& node = *g.nodes[i];
    if (node.rate.is_static()) continue;
    bool crosses = false;
    for (int u : g.users[i]) crosses = crosses || s.region_of[u] != s.region_of[i];
    // Each window of a region of windows keeps its values in a row of its own.
    if (crosses || s.regions[s.region_of[i]].windows)
      s.storage[i] = Storage::Block;
    else if (node.rate.is_frame() && node.size() == 1)
      s.storage[i] = Storage::Local;
  }
}

// Whether node i is in a frame-parallel region over frames (not windows, not at once).
bool in_frame_grid(const Schedule& s, int i) {
  const Region& from = s.regions[s.region_of[i]];
  return s.region_of[i] > 0 && from.kind == RegionKind::Parallel && !from.windows && !from.at_once;
}

// A frame scalar of a frame grid that the schedule may move into a scan: stateless (or
// reading a tape) and done every frame.
bool movable(const Schedule& s, int i) {
  const Node& node = *s.graph.nodes[i];
  const bool stateless =
      node.op->linear == Linear::TapeRead || !(node.op->stateful || node.op->state);
  return in_frame_grid(s, i) && node.rate.is_frame() && node.size() == 1 && stateless &&
         node.op->exec == Exec::AtRate;
}

// Whether `user` is a frame scalar that reads node i alone and that nothing reads: a
// value's tape write, output or total.
bool ends(const Schedule& s, int user, int i) {
  const Node& node = *s.graph.nodes[user];
  return node.rate.is_frame() && node.size() == 1 && s.graph.users[user].empty() &&
         s.graph.inputs[user] == std::vector<int>{i};
}

// A tape's write or a host output of node i's value alone, in a frame grid: it follows the
// value into a scan.
bool follows(const Schedule& s, int user, int i) {
  const Linear linear = s.graph.nodes[user]->op->linear;
  return (linear == Linear::TapeWrite || linear == Linear::Pass) && ends(s, user, i) &&
         in_frame_grid(s, user);
}

// Whether node i's region and region r run for as many lanes (Region::one_lane): a value
// every lane shares moves only into a region of lane 0 alone, where it is computed once a
// frame instead of in every lane (the sine of a sweep every voice follows).
bool same_lanes(const Schedule& s, int i, int r) {
  return s.regions[s.region_of[i]].one_lane == s.regions[r].one_lane;
}

// A frame value a scan alone reads (besides its tape's write or its output) that it can
// compute itself.
bool sinkable(const Schedule& s, int i, int scan_region) {
  if (!movable(s, i) || !same_lanes(s, i, scan_region)) return false;
  bool read = false;
  for (int u : s.graph.users[i]) {
    if (s.region_of[u] == scan_region)
      read = true;
    else if (!follows(s, u, i) || !same_lanes(s, u, scan_region))
      return false;
  }
  return read;
}

// A running total over the frames of node i's value alone that a region sums after them
// (a gradient's frame_sum): a scan sums its part of each chunk as it goes.
bool totals(const Schedule& s, int user, int i) {
  return s.graph.nodes[user]->op->linear == Linear::Total && s.regions[s.region_of[user]].at_once &&
         ends(s, user, i);
}

// A frame value after a scan that reads what the scan computes and nothing later: the
// math on its values, their tapes' writes, the outputs, the totals over frames. Or the
// tape's write or output of a value a region of lane 0 alone computes before the scan
// (a shared phase's tape, written per lane): the scan copies it as it goes, and needs no
// grid over frames of its own.
bool gatherable(const Schedule& s, int i, int scan_region) {
  const auto& inputs = s.graph.inputs[i];
  if (s.region_of[i] == scan_region || inputs.empty() || !same_lanes(s, i, scan_region))
    return false;
  if (follows(s, i, inputs[0]) && s.regions[s.region_of[inputs[0]]].one_lane &&
      s.region_of[inputs[0]] < scan_region)
    return true;
  if (s.region_of[i] < scan_region ||
      !(movable(s, i) || follows(s, i, inputs[0]) || totals(s, i, inputs[0])))
    return false;
  bool reads_scan = false;
  for (int input : inputs) {
    if (s.region_of[input] > scan_region) return false;
    reads_scan = reads_scan || s.region_of[input] == scan_region;
  }
  return reads_scan;
}

// Moves into each scan the frame-grid work around it that would otherwise go through
// memory per lane and frame, up to twice a region's nodes: the values only the scan reads
// (latest first, so that what only they read follows), with their tapes' writes and
// outputs, computed before its own; then what reads the scan's values and nothing later
// (the math on them, their tapes' writes, the outputs, their totals over frames), computed
// after them, and again the values that only the scan reads now. A grid over frames would
// write each such value per lane and frame, and both of the scan's passes over the frames
// read it back: the time-varying biquad's backward at 1024 lanes wrote 21 such values (its
// coefficients and their derivatives, from 10 tapes) in a kernel slower than the scan
// itself (docs/PERFORMANCE.md). In the scan each is a local, computed once in the pass
// that finds the chunks' maps if the state needs it (its runs from each state share every
// value that does not depend on the state) and once in the pass that writes the values,
// which also writes the tapes and outputs. Every scan takes what it alone reads before any
// gathers what follows it, so that a filter's coefficients join the filter's scan, not the
// scan of the phasor that modulates them. Returns whether any moved; regions left empty
// are removed.
bool sink_into_scans(Schedule& s) {
  const Graph& g = s.graph;
  const size_t most = 2 * kMaxRegionNodes;
  bool moved = false;
  const auto move = [&](int i, int r, std::vector<int>& into) {
    std::erase(s.regions[s.region_of[i]].nodes, i);
    s.region_of[i] = r;
    into.push_back(i);
    moved = true;
  };
  const auto sink = [&](int r) {
    Region& scan = s.regions[size_t(r)];
    const int last = *std::max_element(scan.nodes.begin(), scan.nodes.end());
    std::vector<int> before;
    for (int i = last - 1; i >= 0; --i) {
      if (scan.nodes.size() + before.size() + g.users[i].size() > most) break;
      if (s.region_of[i] >= r || !sinkable(s, i, r)) continue;
      for (int u : g.users[i])
        if (s.region_of[u] != r) move(u, r, before);
      move(i, r, before);
    }
    // In index order, a topological one: each reads only earlier regions and the others.
    std::sort(before.begin(), before.end());
    scan.nodes.insert(scan.nodes.begin(), before.begin(), before.end());
  };
  const auto gather = [&](int r) {
    Region& scan = s.regions[size_t(r)];
    std::vector<int> after;  // in index order, so chains follow their first link
    for (size_t i = 0; i < g.nodes.size() && scan.nodes.size() + after.size() < most; ++i)
      if (gatherable(s, int(i), r)) move(int(i), r, after);
    scan.nodes.insert(scan.nodes.end(), after.begin(), after.end());
  };
  std::vector<int> scans;  // over frames (one over hop frames visits no other frame)
  for (size_t r = 1; r < s.regions.size(); ++r)
    if (s.regions[r].scan.chunk > 0 && s.regions[r].hop == 1) scans.push_back(int(r));
  for (int r : scans) sink(r);
  for (int r : scans) {
    gather(r);
    sink(r);
  }
  if (!moved) return false;
  std::vector<int> renumbered(s.regions.size(), -1);
  std::vector<Region> kept;
  for (size_t r = 0; r < s.regions.size(); ++r)
    if (r == 0 || !s.regions[r].nodes.empty()) {
      renumbered[r] = int(kept.size());
      kept.push_back(std::move(s.regions[r]));
    }
  s.regions = std::move(kept);
  for (int& r : s.region_of) r = renumbered[r];
  return true;
}

}  // namespace

namespace {

// A node a view or a tape could read through (read_through, before the single reader
// that an arithmetic element asks for). A view or a tape's read, which picks an element
// and computes nothing, may be read through by the windows of a later region of its hop
// too (a spectral loss's backward pads a window's adjoint in the region before a level's
// scan and transforms it in the one after: rows of 2 n + n / 2 + 1 floats per window and
// lane written and read back).
bool could_read_through(const Schedule& s, int node) {
  const int r = s.region_of[size_t(node)];
  const Region& region = s.regions[size_t(r)];
  const OpDef& op = *s.graph.nodes[size_t(node)]->op;
  if (!s.parallel_windows || !region.windows || region.hop <= 1 || !op.element) return false;
  const bool picks = !op.element_computes && !op.element_stores_state;
  const std::vector<int>& users = s.graph.users[size_t(node)];
  return std::all_of(users.begin(), users.end(), [&](int u) {
    const Region& reader = s.regions[size_t(s.region_of[size_t(u)])];
    return s.region_of[size_t(u)] == r || (picks && reader.windows && reader.hop == region.hop &&
                                           reader.one_lane == region.one_lane);
  });
}

// How many readers may compute an arithmetic element (OpDef::element_computes) where they
// read it: two for a few instructions without a call (OpDef::cheap; a complex spectrum
// built by an add whose real and imaginary halves an FFT reads apart, each element once),
// one otherwise.
int computed_at_most(const OpDef& op) { return op.cheap ? 2 : 1; }

// How many nodes compute node's element where they read it, its users read through
// counted by theirs (and a tape's write, which still runs, as one more), stopping at 3.
int readers_computing(const Schedule& s, int node) {
  int n = 0;
  for (int u : s.graph.users[size_t(node)]) {
    const OpDef& op = *s.graph.nodes[size_t(u)]->op;
    // A reader that takes an element more than once: a broadcast (a scalar level read by a
    // loop over bins computes it once a bin), a repeating view, an op not known to read each
    // element once (a matmul's rows).
    const bool repeats = op.element_computes ? s.graph.nodes[size_t(u)]->size() !=
                                                   s.graph.nodes[size_t(node)]->size()
                         : op.element ? op.element_repeats
                                      : !op.reads_elements_once;
    if (repeats) return 3;
    // read_through(s, u), with u's own count computed once.
    const int by = could_read_through(s, u) ? readers_computing(s, u) : -1;
    if (by >= 0 && (!op.element_computes || by <= computed_at_most(op)))
      n += by + (op.element_stores_state ? 1 : 0);
    else
      ++n;
    if (n > 2) break;
  }
  return n;
}

}  // namespace

bool read_through(const Schedule& s, int node) {
  const OpDef& op = *s.graph.nodes[size_t(node)]->op;
  return could_read_through(s, node) &&
         (!op.element_computes || readers_computing(s, node) <= computed_at_most(op));
}

std::vector<int> stored_readers(const Schedule& s, int node) {
  std::vector<int> out;
  for (int u : s.graph.users[size_t(node)]) {
    const bool through = read_through(s, u);
    if (!through || s.graph.nodes[size_t(u)]->op->element_stores_state) out.push_back(u);
    if (through)
      for (int r : stored_readers(s, u)) out.push_back(r);
  }
  return out;
}

Schedule schedule_graph(Graph graph, int lanes, bool parallel_windows) {
  if (lanes < 1) throw Error("lanes must be >= 1, got " + std::to_string(lanes));
  Schedule s;
  s.lanes = lanes;
  s.parallel_windows = parallel_windows;
  s.graph = std::move(graph);
  make_regions(s);
  assign_storage(s);
  // The GPU's schedule also runs recurrences linear in their state as scans.
  if (parallel_windows) {
    find_scans(s);
    if (sink_into_scans(s)) {
      assign_storage(s);
      find_scans(s);
    }
  }
  return s;
}

Schedule make_schedule(const std::vector<NodeRef>& outputs, int lanes) {
  Schedule s = schedule_graph(build_graph(outputs), lanes);
  plan_memory(s);
  return s;
}

std::string Schedule::describe() const {
  std::string out;
  const char* kinds[] = {"static", "frame-parallel", "frame-serial"};
  for (size_t r = 0; r < regions.size(); ++r) {
    const Region& region = regions[r];
    std::string kind =
        region.hop > 1 ? "hop(" + std::to_string(region.hop) + ")" : kinds[int(region.kind)];
    if (region.windows) kind += " windows";
    if (region.one_lane) kind += " in lane 0";
    if (region.at_once) kind += " at-once";
    if (region.scan.chunk > 0)
      kind += " scan(" + std::to_string(region.scan.cells.size()) + " cells, " +
              std::to_string(region.scan.ramps.size()) + " ramps, " +
              std::to_string(region.scan.totals.size()) + " totals, chunks of " +
              std::to_string(region.scan.chunk) + ")";
    out += "region " + std::to_string(r) + ": " + kind + ", " +
           std::to_string(region.nodes.size()) + " nodes:";
    for (int i : region.nodes) out += " " + graph.nodes[i]->op->name + "#" + std::to_string(i);
    out += "\n";
  }
  int64_t persistent = 0, transient = 0;
  for (const Buffer& b : buffers) (b.persistent ? persistent : transient) += b.bytes;
  out += "buffers: " + std::to_string(buffers.size()) + " (" + std::to_string(persistent) +
         " bytes persistent, " + std::to_string(transient) + " bytes transient), arena " +
         std::to_string(arena_bytes) + " bytes, lanes " + std::to_string(lanes) + ", block " +
         std::to_string(block) + " frames\n";
  for (const Buffer& b : buffers)
    out += "  " + b.what + ": " + std::to_string(b.bytes) + " bytes at " +
           std::to_string(b.offset) +
           (b.persistent ? ""
                         : " (regions " + std::to_string(b.first_region) + ".." +
                               std::to_string(b.last_region) + ")") +
           "\n";
  return out;
}

}  // namespace dgen

#include "schedule/memory_plan.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "schedule/schedule.hpp"

namespace dgen {
namespace {

constexpr int64_t kAlign = 64;
int64_t align(int64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

bool lifetimes_meet(const Buffer& a, const Buffer& b) {
  if (a.persistent || b.persistent) return true;
  return a.first_region <= b.last_region && b.first_region <= a.last_region;
}

}  // namespace

void plan_memory(Schedule& s) {
  const Graph& g = s.graph;
  const int n = int(g.nodes.size());
  const int64_t L = s.lanes;
  s.buffers.clear();  // a schedule may be planned again at another block width
  auto add = [&](std::string what, int64_t bytes, bool persistent, int first = 0, int last = 0) {
    s.buffers.push_back({std::move(what), 0, std::max<int64_t>(bytes, 1), persistent, first, last});
    return int(s.buffers.size()) - 1;
  };
  s.frame_counter = add("frame counter", 8, true);
  s.slot.assign(n, -1);
  s.block_buf.assign(n, -1);
  s.state.assign(n, {});
  s.state_vars.assign(n, {});
  std::map<int, std::vector<int>> cell_buffers;  // cell index -> its state buffers
  for (int i = 0; i < n; ++i) {
    const Node& node = *g.nodes[i];
    const std::string name = node.op->name + "#" + std::to_string(i);
    const bool held_hop = node.rate.is_hop();
    const bool through = read_through(s, i);
    if (!through && (s.storage[i] == Storage::Slot || held_hop))
      s.slot[i] = add(name + " value", node.size() * L * 4, true);
    if (!through && s.storage[i] == Storage::Block) {
      int last = s.region_of[i];
      for (int u : stored_readers(s, i)) last = std::max(last, s.region_of[u]);
      // A frame value keeps one row per frame of the block; a hop value one row per hop
      // (plus the value held from before the block): see hop_row in render_c.cpp.
      const int64_t rows = node.rate.is_hop() ? s.block / node.rate.hop + 2 : s.block;
      s.block_buf[i] =
          add(name + " block", node.size() * L * rows * 4, false, s.region_of[i], last);
    }
    if (node.op->state) s.state_vars[i] = node.op->state(node);
    const int cell = g.cell_of[i];
    if (cell >= 0 && cell_buffers.count(cell)) {
      s.state[i] = cell_buffers[cell];
      continue;
    }
    for (const StateVar& v : s.state_vars[i])
      s.state[i].push_back(add(name + " state " + v.name,
                               v.count * (v.lanes_alike ? 1 : L) * (v.f64 ? 8 : 4), true));
    if (cell >= 0) cell_buffers[cell] = s.state[i];
  }

  // A scan's maps, start states and totals' parts, per chunk of the block (Region::scan).
  for (size_t r = 0; r < s.regions.size(); ++r) {
    Region::Scan& scan = s.regions[r].scan;
    if (scan.chunk == 0) continue;
    const int64_t chunks = (s.block + scan.chunk - 1) / scan.chunk, n = int64_t(scan.cells.size()),
                  ramps = int64_t(scan.ramps.size());
    const std::string what = "region " + std::to_string(r) + " scan ";
    const int region = int(r);
    scan.maps = add(what + "maps", chunks * (n * n + n + 2 * ramps) * L * 8, false, region, region);
    scan.starts = add(what + "starts", chunks * (n + ramps) * L * 8, false, region, region);
    scan.parts =
        add(what + "parts", chunks * int64_t(scan.totals.size()) * L * 8, false, region, region);
  }

  // State in another program's part of the arena where it lies there; then this
  // program's persistent buffers, then its transient ones first-fit among those they meet.
  std::vector<bool> placed(s.buffers.size(), false);
  for (auto [node, offset] : s.placed_state) {
    const size_t k = size_t(s.state[size_t(node)].at(0));
    Buffer& b = s.buffers[k];
    if (!b.persistent || offset < 0 || offset + b.bytes > s.arena_base)
      throw std::logic_error("memory plan: " + b.what + " placed outside the arena's base");
    b.offset = offset;
    placed[k] = true;
  }
  int64_t top = align(s.arena_base);
  for (size_t k = 0; k < s.buffers.size(); ++k)
    if (s.buffers[k].persistent && !placed[k]) {
      s.buffers[k].offset = top;
      top += align(s.buffers[k].bytes);
    }
  const int64_t transient_base = top;
  std::vector<int> fitted;
  for (size_t i = 0; i < s.buffers.size(); ++i) {
    Buffer& b = s.buffers[i];
    if (b.persistent) continue;
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (int p : fitted)
      if (lifetimes_meet(b, s.buffers[p]))
        busy.push_back({s.buffers[p].offset, s.buffers[p].offset + align(s.buffers[p].bytes)});
    std::sort(busy.begin(), busy.end());
    int64_t at = transient_base;
    for (auto [lo, hi] : busy) {
      if (at + b.bytes <= lo) break;
      at = std::max(at, hi);
    }
    b.offset = at;
    top = std::max(top, at + align(b.bytes));
    fitted.push_back(int(i));
  }
  s.arena_bytes = top;
  check_no_overlap(s);
}

void check_no_overlap(const Schedule& s) {
  for (size_t i = 0; i < s.buffers.size(); ++i)
    for (size_t j = i + 1; j < s.buffers.size(); ++j) {
      const Buffer &a = s.buffers[i], &b = s.buffers[j];
      if (!lifetimes_meet(a, b)) continue;
      if (a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes)
        throw std::logic_error("memory plan: live buffers overlap: " + a.what + " and " + b.what);
      if (a.offset + a.bytes > s.arena_bytes || b.offset + b.bytes > s.arena_bytes)
        throw std::logic_error("memory plan: buffer outside the arena");
    }
}

}  // namespace dgen

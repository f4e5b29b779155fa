#include "schedule/scan.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>

namespace dgen {
namespace {

// How a value depends on the region's state: not at all, affinely, or otherwise.
enum class Dep { None, Affine, Any };

// The dependence on the state of a stateless op's value whose inputs depend on it `in`.
Dep dependence(Linear linear, const std::vector<Dep>& in) {
  const Dep most = *std::max_element(in.begin(), in.end());
  if (most != Dep::Affine) return most;
  const auto affine_if = [](bool b) { return b ? Dep::Affine : Dep::Any; };
  switch (linear) {
    case Linear::Sum:
      return Dep::Affine;
    case Linear::Product:
      return affine_if(std::count(in.begin(), in.end(), Dep::None) ==
                       std::ptrdiff_t(in.size()) - 1);
    case Linear::Quotient:
      return affine_if(in[1] == Dep::None);
    case Linear::Select:
      return affine_if(in[0] == Dep::None);
    default:
      return Dep::Any;
  }
}

// The scan of a serial region, or one with chunk 0 where the region is not linear in its
// state: every node a frame-rate scalar in a local or a block row (no slot that frames
// share; or, in a region of one hop, a scalar of that hop, which the scan keeps in a local), every
// state a scalar history cell read and written in the region or a total no node reads, and every
// cell's next value affine in the cells (OpDef::linear). Values the cells do not feed (outputs,
// tapes, a loss's square before its total) may depend on the state any way: the scan's last pass
// computes them from each frame's true state.
Region::Scan scan_of(const Schedule& s, const Region& region) {
  const Graph& g = s.graph;
  Region::Scan scan;
  std::map<int, Dep> dep;  // region node -> how it depends on the state
  std::set<int> read_cells, written_cells;
  for (int i : region.nodes) {
    const Node& node = *g.nodes[i];
    // In a region of one hop (a running level over windows), its hop values alike.
    const bool hop_region = region.hop > 1 && node.rate.is_hop();
    if (!(node.rate.is_frame() || hop_region) || node.size() != 1 ||
        (s.storage[i] == Storage::Slot && !hop_region))
      return {};
    std::vector<Dep> in;
    for (int input : g.inputs[i]) {
      const auto it = dep.find(input);
      in.push_back(it == dep.end() ? Dep::None : it->second);
    }
    Dep d = Dep::None;
    switch (node.op->linear) {
      case Linear::CellRead:
        if (g.cells[g.cell_of[i]].writes.empty()) break;  // never written: a constant
        if (node.op->state(node).at(0).count != 1) return {};
        if (read_cells.insert(g.cell_of[i]).second) scan.cells.push_back(i);
        d = Dep::Affine;
        break;
      case Linear::CellWrite:
        if (in[0] == Dep::Any) return {};
        written_cells.insert(g.cell_of[i]);
        d = in[0];
        break;
      case Linear::Ramp:
        if (node.op->state(node).at(0).count != 1 ||
            std::count(in.begin(), in.end(), Dep::None) != std::ptrdiff_t(in.size()))
          return {};
        scan.ramps.push_back(i);
        d = Dep::Any;
        break;
      case Linear::Total:
        if (!g.users[i].empty()) return {};
        scan.totals.push_back(i);
        break;
      case Linear::TapeRead:
        break;
      case Linear::Pass:
      case Linear::TapeWrite:
        d = in[0];
        break;
      default:
        if (node.op->stateful || node.op->state) return {};
        if (!in.empty()) d = dependence(node.op->linear, in);
    }
    dep[i] = d;
  }
  if ((scan.cells.empty() && scan.ramps.empty()) ||
      scan.cells.size() + scan.ramps.size() > kMaxScanCells || read_cells != written_cells)
    return {};
  // What the maps' runs need: the cells' writes, the ramps and what feeds them. The rest
  // (outputs, tapes, a loss) only the last pass computes.
  const auto writes_state = [&](int i) {
    const Linear linear = g.nodes[i]->op->linear;
    return linear == Linear::CellWrite || linear == Linear::Ramp;
  };
  std::set<int> feeds;
  for (auto it = region.nodes.rbegin(); it != region.nodes.rend(); ++it)
    if (writes_state(*it) || feeds.count(*it))
      for (int input : g.inputs[*it]) feeds.insert(input);
  for (int i : region.nodes) {
    if (writes_state(i))
      scan.varying.push_back(i);
    else if (feeds.count(i))
      (dep[i] == Dep::None ? scan.fixed : scan.varying).push_back(i);
  }
  // Enough chunks that a few lanes still fill a GPU; longer ones carry fewer maps.
  scan.chunk = !region.one_lane && s.lanes >= 256 ? 256 : 64;
  return scan;
}

}  // namespace

void find_scans(Schedule& s) {
  // DGEN_SCAN=0 leaves every recurrence serial (to compare a program with and without).
  const char* env = std::getenv("DGEN_SCAN");
  if (env && std::string_view(env) == "0") return;
  for (Region& region : s.regions)
    if (region.kind == RegionKind::Serial && !region.windows && !region.at_once)
      region.scan = scan_of(s, region);
}

}  // namespace dgen

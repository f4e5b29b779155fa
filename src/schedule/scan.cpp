#include "schedule/scan.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>

namespace dgen {
namespace {

// The scan of a serial region, or one with chunk 0 where the region is not linear in its
// state: every node a frame-rate scalar in a local or a block row (no slot that frames
// share), every value that depends on the state affine in it (OpDef::linear), every state
// a scalar history cell read and written in the region or a total no node reads.
Region::Scan scan_of(const Schedule& s, const Region& region) {
  const Graph& g = s.graph;
  Region::Scan scan;
  std::map<int, bool> varies;  // region node -> depends on the state
  std::set<int> read_cells, written_cells;
  auto varying = [&](int i, int k) {
    const auto it = varies.find(g.inputs[i][k]);
    return it != varies.end() && it->second;
  };
  for (int i : region.nodes) {
    const Node& node = *g.nodes[i];
    if (!node.rate.is_frame() || node.size() != 1 || s.storage[i] == Storage::Slot) return {};
    std::vector<bool> in(g.inputs[i].size());
    for (size_t k = 0; k < in.size(); ++k) in[k] = varying(i, int(k));
    const bool any = std::find(in.begin(), in.end(), true) != in.end();
    const bool has_state = node.op->stateful || node.op->state;
    bool v = false;
    switch (node.op->linear) {
      case Linear::CellRead:
        if (node.op->state(node).at(0).count != 1) return {};
        if (read_cells.insert(g.cell_of[i]).second) scan.cells.push_back(i);
        v = true;
        break;
      case Linear::CellWrite:
        written_cells.insert(g.cell_of[i]);
        v = in[0];
        break;
      case Linear::Total:
        if (!g.users[i].empty()) return {};
        scan.totals.push_back(i);
        break;
      case Linear::TapeRead:
        break;
      case Linear::Pass:
        v = in[0];
        break;
      default:
        if (has_state) return {};
        if (!any) break;
        if (node.op->linear == Linear::Sum)
          v = true;
        else if (node.op->linear == Linear::Product && std::count(in.begin(), in.end(), true) == 1)
          v = true;
        else if (node.op->linear == Linear::Quotient && !in[1])
          v = true;
        else if (node.op->linear == Linear::Select && !in[0])
          v = true;
        else
          return {};
    }
    varies[i] = v;
  }
  if (scan.cells.empty() || scan.cells.size() > kMaxScanCells || read_cells != written_cells)
    return {};
  // Enough chunks that a few lanes still fill a GPU; longer ones carry fewer maps.
  scan.chunk = s.lanes >= 256 ? 256 : 64;
  return scan;
}

}  // namespace

void find_scans(Schedule& s) {
  if (s.lanes > kMaxScanLanes) return;
  // DGEN_SCAN=0 leaves every recurrence serial (to compare a program with and without).
  const char* env = std::getenv("DGEN_SCAN");
  if (env && std::string_view(env) == "0") return;
  for (Region& region : s.regions)
    if (region.kind == RegionKind::Serial && !region.windows && !region.at_once)
      region.scan = scan_of(s, region);
}

}  // namespace dgen

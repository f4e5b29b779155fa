// The lowering's class (lower/lower.hpp): a schedule to loop IR. Internal to src/lower:
// It holds the class with its members but for the lowering of a scan (lower_scan.cpp); lower.cpp
// the entry point.
#pragma once
#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/lane_shared.hpp"
#include "ir/op_table.hpp"
#include "lower/layout.hpp"
#include "lower/lower.hpp"
#include "ops/emit_util.hpp"

namespace dgen::lowering {

// The parameters of every function of the program (the entry point's frame count is a
// block's `nb`, its frame counter `T0`, its first frame in the run `b0`).
constexpr const char* kFunctionParams =
    "char *arena, const float *const *in, float *const *out, int64_t T0, int64_t b0, int64_t nb, "
    "double sr";

class Lowering {
 public:
  Lowering(const Schedule& s, const LowerTarget& target) : s_(s), g_(s.graph), target_(target) {
    outputs_of_.resize(g_.nodes.size(), -1);
    for (size_t k = 0; k < g_.output_index.size(); ++k)
      if (outputs_of_[g_.output_index[k]] < 0) outputs_of_[g_.output_index[k]] = int(k);
    is_f64_.assign(s_.buffers.size(), false);
    for (size_t i = 0; i < g_.nodes.size(); ++i)
      for (size_t v = 0; v < s_.state[i].size(); ++v)
        is_f64_[s_.state[i][v]] = s_.state_vars[i][v].f64;
    for (const Region& region : s_.regions)
      if (region.scan.chunk > 0)
        for (int b : {region.scan.maps, region.scan.starts, region.scan.parts}) is_f64_[b] = true;
    find_shared();
  }

  lir::Block lower() {
    lir::Block fn;
    fn.push_back(
        lir::line("int64_t *const tcount = (int64_t *)(arena + " + counter_offset() + ");"));
    // Static region: once per run, in functions of at most kMaxRegionNodes nodes.
    std::vector<int> statics;
    for (int i : s_.regions[0].nodes)
      if (!inlined(i)) statics.push_back(i);
    for (size_t from = 0; from < statics.size(); from += kMaxRegionNodes) {
      const std::vector<int> part(
          statics.begin() + from,
          statics.begin() + std::min(statics.size(), from + kMaxRegionNodes));
      const std::string name = "dgen_static_" + std::to_string(from / kMaxRegionNodes);
      function(name, emit_nodes(part, 0, "T0", "0"));
      fn.push_back(lir::call(name, "arena, in, out, *tcount, 0, 0, sr"));
    }
    lir::Block blocks;
    // A reverse schedule visits the blocks, and the frames in each, from the last: its
    // block loop's variable is the end of the block.
    if (s_.reverse) {
      blocks.push_back(lir::line("const int64_t nb = e0 < BLK ? e0 : BLK, b0 = e0 - nb;"));
      blocks.push_back(lir::line("const int64_t T0 = *tcount - frames + b0;"));
    } else {
      blocks.push_back(lir::line("const int64_t nb = frames - b0 < BLK ? frames - b0 : BLK;"));
      blocks.push_back(lir::line("const int64_t T0 = *tcount + b0;"));
    }
    for (size_t r = 1; r < s_.regions.size(); ++r) {
      const std::string name = "dgen_region_" + std::to_string(r);
      function(name, {emit_region(int(r))});
      blocks.push_back(lir::call(name, "arena, in, out, T0, b0, nb, sr"));
    }
    fn.push_back(lir::for_({.iter = lir::Iter::Block,
                            .var = s_.reverse ? "e0" : "b0",
                            .from = "0",
                            .to = "frames",
                            .step = "BLK",
                            .reverse = s_.reverse},
                           std::move(blocks)));
    fn.push_back(lir::once({lir::line("*(int64_t *)(arena + " + counter_offset() + ") " +
                                      (s_.reverse ? "-" : "+") + "= frames;")}));
    lir::Stmt run = lir::function(
        "dgen_run",
        "char *arena, const float *const *in, float *const *out, int64_t frames, double sr",
        std::move(fn));
    run.entry = true;
    functions_.push_back(std::move(run));
    return std::move(functions_);
  }

 private:
  std::string counter_offset() const { return str(s_.buffers[s_.frame_counter].offset); }

  // A per-lane local's value for the lane `l` in scope, or for lane `lane` (see LowerTarget).
  std::string lane_local(const std::string& name, const std::string& lane = "l") const {
    return target_.lane_loops ? name + "[" + lane + "]" : name;
  }

  // Values every lane shares (analysis/lane_shared.hpp). On a target with lane loops (C),
  // such a node that loops over lanes itself (a tensor: a window, an FFT, a spectrum, their
  // sums) runs in lane 0 alone and every reader takes lane 0's value: a spectral loss's
  // target side, computed for every candidate of a search before, is computed once.
  // Scalar nodes still run in every lane: they cost little, and sharing them would change
  // how the C compiler vectorises a frame loop around them, and with it, in the scalar
  // remainder of a loop over the frames of a block, how a libm call rounds — streaming in
  // blocks of other lengths would change the last bit (tests/core/test_streaming.cpp). On
  // a target of a thread per lane (CUDA), a shared frame scalar that crosses regions lives
  // in lane 0 (in_lane0), and the schedule runs shared windows in lane 0 alone
  // (Region::one_lane).
  void find_shared() {
    const bool sharing = (target_.lane_loops || target_.shared_scalars_in_lane0) &&
                         s_.lanes > 1;  // one lane: nothing to share
    shared_ = sharing ? lane_shared(g_) : std::vector<bool>(g_.nodes.size(), false);
  }

  // Whether node i runs in lane 0 alone, for every lane (find_shared).
  bool once(int i) const { return shared_[size_t(i)] && owns_lanes(i); }
  // Whether every lane writes node i's value into lane 0 and reads it there
  // (LowerTarget::shared_scalars_in_lane0): a shared frame scalar in block memory, outside
  // regions of windows (whose threads share a window's rows in patterns of their own).
  bool in_lane0(int i) const {
    const Node& node = *g_.nodes[size_t(i)];
    return target_.shared_scalars_in_lane0 && shared_[size_t(i)] &&
           s_.storage[size_t(i)] == Storage::Block && node.rate.is_frame() && node.size() == 1 &&
           !in_windows(i);
  }
  // The lane a reader takes node i's value from.
  std::string lane_of(int i) const {
    return once(i) || in_lane0(i) || s_.regions[size_t(s_.region_of[size_t(i)])].one_lane ? "0"
                                                                                          : "l";
  }
  // How many lanes node i's code runs for.
  std::string lane_count(int i) const { return once(i) ? "1" : "L"; }

  // A region (or a part of the static region) as a function of its own (see
  // split_functions). It declares only the pointers and hoisted constants its body used,
  // so the source grows linearly with the graph (docs/ARCHITECTURE.md).
  void function(const std::string& name, lir::Block body) {
    lir::Block fn;
    fn.push_back(
        lir::line("(void)arena; (void)in; (void)out; (void)T0; (void)b0; (void)nb; (void)sr;"));
    // Host pointers are loaded once per call: loads of `in[k]` inside a frame loop would
    // stop the compiler from vectorising it (stores might alias the pointer arrays).
    // Input channel k is read from Ik_b[i], i the frame in the block (a static block of
    // silence where the host gives none).
    for (int ch : used_inputs_)
      fn.push_back(lir::line("const float *const I" + std::to_string(ch) + "_b = in[" +
                             std::to_string(ch - 1) + "] ? in[" + std::to_string(ch - 1) +
                             "] + b0 : dgen_silence;"));
    for (int k : used_outputs_)
      fn.push_back(
          lir::line("float *const O" + std::to_string(k) + " = out[" + std::to_string(k) + "];"));
    // Buffers a function uses never overlap: transient ones share memory only when their
    // lifetimes (regions) do not meet, and all of a function's are live in its region. So
    // every pointer is restrict, which lets the compiler issue a frame's loads together
    // ahead of the stores before them (on a GPU, one memory latency per frame, not several).
    for (int b : used_buffers_) {
      const char* type = is_f64_[b] ? "double" : "float";
      fn.push_back(lir::line(std::string(type) + " *const restrict B" + std::to_string(b) + " = (" +
                             type + " *)(arena + " + str(s_.buffers[b].offset) + ");"));
    }
    // Static scalars that frame regions read are copied into locals once per call, so
    // the compiler sees loop invariants (not loads it must mask inside branches).
    for (int i : used_hoisted_)
      fn.push_back(lir::declare(
          {"float", "C" + std::to_string(i), true, "B" + std::to_string(s_.slot[i]) + "[l]"}));
    for (auto& st : body) fn.push_back(std::move(st));
    used_inputs_.clear(), used_outputs_.clear(), used_buffers_.clear(), used_hoisted_.clear();
    functions_.push_back(lir::function(name, kFunctionParams, std::move(fn)));
  }

  // A buffer's pointer, declared by the function that uses it.
  std::string buf(int b) {
    used_buffers_.insert(b);
    return "B" + std::to_string(b);
  }

  // A scalar constant is written into the code where it is read, never stored: the C
  // compiler folds it (a phasor's reset of 0, a gain of 1), and a patch of thousands of
  // constants needs no stores, pointers or hoisted copies for them.
  bool inlined(int i) const { return g_.nodes[i]->op->name == "const"; }

  // A static scalar read outside the static region.
  bool hoisted(int i) const {
    if (!g_.nodes[i]->rate.is_static() || g_.nodes[i]->size() != 1) return false;
    for (int u : g_.users[i])
      if (s_.region_of[u] != 0) return true;
    return false;
  }

  std::string val(int i, const std::string& flat, int region) {
    const int64_t m = g_.nodes[i]->size();
    if (inlined(i)) return c_float(g_.nodes[i]->attrs.reals[0]);
    if (registers_.count(i) || every_thread_.count(i)) return "w" + std::to_string(i);
    if (region != 0 && hoisted(i)) {
      used_buffers_.insert(s_.slot[i]);
      used_hoisted_.insert(i);
      return lane_local("C" + std::to_string(i), lane_of(i));
    }
    // A scan's runs for its maps keep the region's own values in locals (emit_scan), as
    // does a scan over hop frames every value of its region (its hop values' slots are
    // one a lane, which its chunks would share).
    const bool local = (scan_maps_ || !scan_last_step_.empty()) && s_.region_of[i] == region;
    switch (local ? Storage::Local : s_.storage[i]) {
      case Storage::Local:
        return lane_local("v" + std::to_string(i), lane_of(i));
      case Storage::Block:
        if (in_cta_slice(i))
          return std::string(kCtaShared) + "[" + kTileLane + " * " + kSharedStride + " + (" + flat +
                 ")]";
        if (prefetching_ && m == 1 && s_.region_of[i] != region) {
          prefetched_.insert(i);
          return "P" + std::to_string(i) + "[j]";
        }
        // A hop value is read from its row, except in its own region, where it is the
        // slot's (the value of the hop frame being computed), unless each window of that
        // region computes its own row.
        if (!(g_.nodes[i]->rate.is_hop() && region == s_.region_of[i]) || in_windows(i))
          return block_element(i, row(i), flat, lane_of(i));
        [[fallthrough]];
      case Storage::Slot:
        return buf(s_.slot[i]) + "[" + layout::index(flat, lane_of(i)) + "]";
    }
    return "";
  }

  bool in_windows(int i) const { return s_.regions[s_.region_of[i]].windows; }

  // A window's value that stays in its lane's slice of the CTA's shared memory, where its
  // op computed it (a GPU window's FFT: OpDef::cta_shared as large as the value), for the
  // window's own readers, instead of a row written to global memory and read back: the
  // only node of its region that takes the slice (nothing overwrites it), read by no
  // other region and no host output. Its op's copy-out then writes each element onto
  // itself (scaled, for an inverse transform).
  bool in_cta_slice(int i) const {
    const Node& node = *g_.nodes[size_t(i)];
    const Region& region = s_.regions[size_t(s_.region_of[size_t(i)])];
    if (!target_.cooperative_windows || !region.windows || region.hop <= 1 ||
        !node.op->cta_shared || node.op->cta_shared(node) < node.size() ||
        read_by_other_regions(i) || outputs_of_[size_t(i)] >= 0 || reads_through(i))
      return false;
    return std::none_of(region.nodes.begin(), region.nodes.end(), [&](int k) {
      const OpDef& op = *g_.nodes[size_t(k)]->op;
      return k != i && op.cta_shared && op.cta_shared(*g_.nodes[size_t(k)]) > 0;
    });
  }

  // The floats of a CTA's shared memory each lane of a region of windows takes: the most
  // any of its ops asks (OpDef::cta_shared). None off the GPU or at hop 1.
  int64_t shared_floats(const Region& region) const {
    int64_t most = 0;
    if (target_.cooperative_windows && region.hop > 1)
      for (int i : region.nodes)
        if (const OpDef& op = *g_.nodes[i]->op; op.cta_shared)
          most = std::max(most, op.cta_shared(*g_.nodes[i]));
    return most;
  }

  // A tensor row that a window computes and reads itself alone (no other region reads
  // it), in a region the target lays out lane-major (LowerTarget::lane_major_window_rows):
  // a GPU window's threads that take adjacent elements of a lane then touch adjacent
  // floats. Everywhere else, and on the CPU, lanes stay innermost (a C window loop
  // vectorises over lanes).
  bool window_private(int i) const {
    const Region& region = s_.regions[s_.region_of[i]];
    return region.windows && region.hop > 1 && target_.cooperative_windows &&
           target_.lane_major_window_rows &&
           target_.lane_major_window_rows(region.hop, shared_floats(region),
                                          region.one_lane ? 1 : s_.lanes) &&
           g_.nodes[i]->size() > 1 && !read_by_other_regions(i);
  }

  // Element `flat` of node i's block row `row_expr`, in the lane `l` in scope or `lane`.
  std::string block_element(int i, const std::string& row_expr, const std::string& flat,
                            const std::string& lane = "l") {
    const std::string m = str(g_.nodes[i]->size());
    const std::string at = window_private(i)
                               ? layout::row_lane_major(row_expr, m, flat, lane)
                               : layout::index(row_expr + " * " + m + " + (" + flat + ")", lane);
    return buf(s_.block_buf[i]) + "[" + at + "]";
  }

  // The block row a crossing value is read from at frame `frame` of the block (t = T0 +
  // frame). A hop value has one row per hop: row 0 holds the value from before the block
  // (or the one computed on T0 when T0 is a hop frame), row k the one computed on the
  // k-th hop frame after.
  std::string row(int i, const std::string& frame = "i") const {
    const Node& node = *g_.nodes[i];
    if (!node.rate.is_hop()) return "(" + frame + ")";
    const std::string h = str(node.rate.hop);
    return "((T0 + " + frame + ") / " + h + " - T0 / " + h + ")";
  }

  // Copies element e of a crossing hop value between its slot and a block row (one lane):
  // into the row, or (`into_row` false) from the row into the slot.
  std::string copy_row_element(int i, const std::string& row_expr, bool into_row) {
    const std::string at_row = block_element(i, row_expr, "e");
    const std::string at_slot = buf(s_.slot[i]) + "[" + layout::index("e") + "]";
    return into_row ? at_row + " = " + at_slot + ";" : at_slot + " = " + at_row + ";";
  }
  lir::Stmt copy_row(int i, const std::string& row_expr) {
    // A scalar's copy is a straight line (a serial region's frame then prefetches).
    if (g_.nodes[i]->size() == 1)
      return lir::line("{ const int64_t e = 0; " + copy_row_element(i, row_expr, true) + " }");
    return lir::for_(
        {.iter = lir::Iter::Element, .var = "e", .from = "0", .to = str(g_.nodes[i]->size())},
        {lir::line(copy_row_element(i, row_expr, true))});
  }

  // A scan over hop frames (emit_scan) computes a crossing hop value in a local: its row
  // gets it, and its slot, held for the next block, the value of the block's last step.
  lir::Stmt scan_copy_row(int i) {
    const std::string v = lane_local("v" + std::to_string(i));
    return lir::line(block_element(i, row(i), "0") + " = " + v + "; if (" + scan_last_step_ + ") " +
                     buf(s_.slot[i]) + "[" + layout::index("0") + "] = " + v + ";");
  }

  // Node i's stored value is read by another region: by a user, or where a user read
  // through is computed (a view that a later region of windows reads through).
  bool read_by_other_regions(int i) const {
    if (reads_through(i)) return false;
    const std::vector<int> readers = stored_readers(s_, i);
    return std::any_of(readers.begin(), readers.end(),
                       [&](int u) { return s_.region_of[u] != s_.region_of[i]; });
  }

  // A node of a window whose readers compute its element where they read it
  // (schedule.hpp, read_through) instead of reading a row it filled: a view, a tape's read
  // or write that only its own window reads. It runs only where it stores state (a tape's
  // write), its value then kept in kSink. (Such ops write no host output: a gradient
  // program's tape writes are among its graph's outputs only to keep them.)
  bool reads_through(int i) const { return read_through(s_, i); }
  static constexpr const char* kSink = "dgen_sink";

  // The nodes that read node i's stored value (schedule.hpp, stored_readers).
  std::vector<int> readers(int i) const { return stored_readers(s_, i); }

  // State: scalar state of a serial region is kept in locals for the block.
  std::string state(int i, int var, const std::string& idx) {
    const int b = s_.state[i][var];
    if (local_state_.count(b)) return lane_local("S" + std::to_string(b));
    if (s_.state_vars[i][var].lanes_alike) return buf(b) + "[" + layout::alike_index(idx) + "]";
    return buf(b) + "[" + layout::index(idx) + "]";
  }

  // A node's value at frame `frame` of the block, for EmitCtx::in_frame.
  std::string at_frame(int i, const std::string& frame, const std::string& flat, int region) {
    if (s_.storage[i] != Storage::Block) return val(i, flat, region);
    return block_element(i, row(i, frame), flat, lane_of(i));
  }

  // The emission of node i (its op's OpDef::emit, or `emit` when given) for one frame.
  lir::Block emit_node(int i, int region, const std::string& t, const std::string& rf,
                       const std::function<void(EmitCtx&)>* emit = nullptr) {
    const Node& node = *g_.nodes[i];
    lir::Block body;
    int counter = 0;
    const std::string hop =
        node.rate.is_hop() ? "(" + t + " % " + str(node.rate.hop) + " == 0)" : "1";
    EmitCtx c{node};
    bool host_io = false;  // the node reads or writes host buffers
    WindowAccess access;   // in a window's CTA: what the node reads and writes
    const bool through = reads_through(i);
    if (through && !node.op->element_stores_state) return {};
    c.in = [&](int k, const std::string& flat) {
      return read(g_.inputs[i][k], flat, region, rf, access);
    };
    std::vector<std::string> outs;  // the expressions it writes its value through
    c.out = [&](const std::string& flat) {
      access.writes_own_elements = access.writes_own_elements && flat == "e";
      outs.push_back(through ? std::string(kSink) : val(i, flat, region));
      return outs.back();
    };
    c.state = [&](int var, const std::string& idx) {
      access.shared_state = access.shared_state || g_.cell_of[i] >= 0;
      return state(i, var, idx);
    };
    c.t = t;
    c.run_frame = rf;
    c.sr = "sr";
    c.hop_frame = hop;
    c.input = [&](int ch) {
      used_inputs_.insert(ch);
      host_io = true;
      if (prefetching_) {
        prefetched_inputs_.insert(ch);
        return "PI" + std::to_string(ch) + "[j]";
      }
      return "I" + std::to_string(ch) + "_b[i]";
    };
    c.output = [&](const std::string& flat) {
      // An out() the program was not given as an output (a loss over a patch's outs) is
      // only its value: the write goes to the node itself.
      if (outputs_of_[i] < 0 || scan_maps_) return c.out(flat);
      used_outputs_.insert(outputs_of_[i]);
      host_io = true;
      return "O" + std::to_string(outputs_of_[i]) + "[" +
             layout::index(rf + " * " + str(node.size()) + " + (" + flat + ")") + "]";
    };
    c.fresh = [&](const std::string& prefix) {
      return prefix + std::to_string(i) + "_" + std::to_string(counter++);
    };
    c.line = [&](const std::string& text) { body.push_back(lir::line(text)); };
    c.lanes = owns_lanes(i);
    c.lane_count = lane_count(i);
    c.stack_tables = target_.stack_tables;
    c.in_frame = [&](int k, const std::string& frame, const std::string& flat) {
      // Only a frame-rate value of another region is read at other frames (a window's fill).
      if (reads_through(g_.inputs[i][k]))
        throw std::logic_error("lowering: a value read through is read at another frame");
      access.reads.push_back({g_.inputs[i][k], ""});
      return at_frame(g_.inputs[i][k], frame, flat, region);
    };
    c.block_t0 = "T0";
    c.block_frames = "nb";
    if (!emit && in_windows(i) && node.op->emit_window) emit = &node.op->emit_window;
    c.cooperative = cooperating_ && !every_thread_.count(i);
    (emit ? *emit : node.op->emit)(c);
    // An op that left statements unspread over a window's threads runs on one per lane.
    const bool one_thread = c.cooperative && size_t(c.spread) != body.size();
    if (one_thread) {
      body.clear();
      counter = 0;
      access = {};
      outs.clear();
      c.cooperative = false;
      (emit ? *emit : node.op->emit)(c);
    }
    access.own_elements = c.cooperative && body.size() == 1 && body[0].kind == lir::Kind::Line &&
                          body[0].text.starts_with(spread_for("e", "0", str(node.size())) + " {");
    if (cooperating_) {
      const std::string first = std::string("if (") + kThreadFirst + " == 0) {";
      const auto on_first = [&](const lir::Stmt& st) {
        return st.kind == lir::Kind::Line && st.text.starts_with(first);
      };
      access.on_first_thread =
          one_thread || (!body.empty() && std::all_of(body.begin(), body.end(), on_first));
      // A sum's partials are spread, its total written by the first thread alone.
      access.writes_on_first_thread =
          access.on_first_thread ||
          (!outs.empty() && std::all_of(body.begin(), body.end(), [&](const lir::Stmt& st) {
            return on_first(st) ||
                   std::none_of(outs.begin(), outs.end(), [&](const std::string& o) {
                     return st.text.find(o) != std::string::npos;
                   });
          }));
    }
    const bool one_statement = body.size() == 1;
    // The node's code for one lane (or for all, when it owns its lane loops), under its
    // guards: a padded frame loop's extra frames skip host I/O, a hop node its off frames.
    lir::Stmt code =
        lir::scope("/* " + node.op->name + "#" + std::to_string(i) + " */", std::move(body));
    if (one_thread) code = lir::if_(std::string(kThreadFirst) + " == 0", {std::move(code)});
    if (runs_on_hop_frames(node)) code = lir::if_(hop, {std::move(code)});
    if (padded_ && host_io) code = lir::if_("i < nb", {std::move(code)});
    lir::Block out;
    // Every thread of the CTA reaches a barrier before the node (the guards above are the
    // window's, the same for all) where it reads what another thread may have written.
    if (cooperating_) {
      const bool barrier = needs_barrier(access);
      if (barrier) {
        out.push_back(lir::line(kBarrier));
        unsynced_.clear();
      }
      const Writer writer = every_thread_.count(i)                              ? Writer::All
                            : access.shared_state                               ? Writer::Any
                            : access.own_elements && access.writes_own_elements ? Writer::Own
                            : access.writes_on_first_thread                     ? Writer::First
                                                                                : Writer::Any;
      unsynced_[i] = writer;
      // A scalar op on the first thread whose inputs are scalars, kept in its window: every
      // thread could compute it instead (emit_cooperative_window).
      const bool scalar = node.size() == 1 && access.on_first_thread && !one_thread &&
                          !access.shared_state && !node.op->stateful && one_statement &&
                          private_to_window(i) &&
                          std::all_of(g_.inputs[i].begin(), g_.inputs[i].end(),
                                      [&](int u) { return g_.nodes[u]->size() == 1; });
      window_log_.push_back({i, barrier, writer == Writer::Own, writer == Writer::All, scalar,
                             access.on_first_thread});
    }
    out.push_back(std::move(code));
    // A hop value that crosses regions is held in its slot and copied to its block row on
    // its hop frames, so later regions see the zero-order hold.
    if (node.rate.is_hop() && s_.storage[i] == Storage::Block && !in_windows(i) && !scan_maps_) {
      lir::Stmt copy = scan_last_step_.empty() ? copy_row(i, row(i)) : scan_copy_row(i);
      out.push_back(lir::if_(hop, {c.lanes ? lir::lane_loop({std::move(copy)}) : std::move(copy)}));
    }
    return out;
  }

  // What a node of a region of windows reads and writes, as far as the threads of its CTA
  // go (EmitCtx::cooperative).
  struct WindowAccess {
    struct Read {
      int node;
      std::string flat;  // "" at another frame
    };
    std::vector<Read> reads;
    bool writes_own_elements = true;      // every element it writes is its loop's `e`
    bool own_elements = false;            // its code is one loop over its elements `e` spread
                                          // over the threads, each element on one thread
    bool shared_state = false;            // it reads or writes state another node shares
    bool on_first_thread = false;         // all its code runs on each lane's first thread
    bool writes_on_first_thread = false;  // each lane's first thread writes all its value
  };

  // Which threads of a window's CTA wrote a node's value (needs_barrier): each element the
  // thread of a loop over `e` spread over them, every element each lane's first thread
  // (kThreadFirst == 0: a scalar's op, a sum's total), or any.
  // All: every thread wrote the same value, in a register of its own (every_thread_).
  enum class Writer { Own, First, Any, All };

  // Element `flat` of node i as a node of `region` reads it, noted in `access`: its stored
  // value, or, for a node read through, its element's expression (at run frame `rf`). A
  // view's "(e)" is element e, which the thread that wrote it reads (needs_barrier).
  std::string read(int i, const std::string& flat, int region, const std::string& rf,
                   WindowAccess& access) {
    if (!reads_through(i)) {
      access.reads.push_back({i, flat == "(e)" ? "e" : flat});
      return val(i, flat, region);
    }
    EmitCtx c{*g_.nodes[i]};
    c.in = [&](int k, const std::string& at) {
      return read(g_.inputs[i][k], at, region, rf, access);
    };
    c.state = [&](int var, const std::string& idx) { return state(i, var, idx); };
    c.run_frame = rf;
    return "(" + g_.nodes[i]->op->element(c, flat) + ")";
  }

  // A node of a window as emitted: whether a barrier comes before it, and whether its code
  // is one loop over its own elements, each written by the thread that reads it.
  struct WindowLog {
    int node;
    bool barrier;
    bool own;
    bool every_thread;     // computed by every thread (every_thread_)
    bool could_be_scalar;  // a scalar op of scalars that every thread could compute
    bool on_first_thread;  // all its code runs on each lane's first thread
  };

  // Read by no other region, no host output, not read through: its window's alone.
  bool private_to_window(int i) const {
    return !read_by_other_regions(i) && outputs_of_[i] < 0 && !reads_through(i);
  }

  // A barrier before a node of a window is needed where it may read what another thread
  // wrote since the last one. Not where it reads element `e` of a value that was written
  // element by element in a loop over `e` spread the same way: the thread that wrote an
  // element is the one that reads it (a chain of elementwise ops runs without barriers).
  // Nor where it runs on each lane's first thread and reads what that thread wrote (the
  // chain of scalar ops after a window's sums). State that two nodes share (a history's
  // cell) always waits for one.
  bool needs_barrier(const WindowAccess& a) const {
    if (a.shared_state && !unsynced_.empty()) return true;
    for (const WindowAccess::Read& r : a.reads) {
      const auto w = unsynced_.find(r.node);
      if (w == unsynced_.end()) continue;
      const bool same_thread = (w->second == Writer::Own && a.own_elements && r.flat == "e") ||
                               (w->second == Writer::First && a.on_first_thread) ||
                               w->second == Writer::All;
      if (!same_thread) return true;
    }
    return false;
  }

  // A vectorised frame loop that ends in a scalar remainder computes the remainder's math
  // calls (sinf, expf...) with the scalar libm and the rest with libmvec, which rounds
  // differently; which frames fall in the remainder depends on the block size, so streaming
  // would change the output. A frame-parallel loop therefore runs a multiple of kPadFrames
  // frames (a multiple of every vector width), which leaves no remainder: the frames past nb
  // compute into block rows nobody reads, and host I/O skips them. (Not in a region with
  // state, such as the tapes of a gradient program: guarding their frame-indexed stores
  // would stop the loop vectorising, and a program replays a tape segment in the same
  // blocks.)
  static constexpr int64_t kPadFrames = 16;
  bool padded(const Region& region) const {
    if (region.kind != RegionKind::Parallel || s_.block % kPadFrames != 0) return false;
    for (int i : region.nodes)
      if (!g_.nodes[i]->rate.is_frame() || s_.storage[i] == Storage::Slot || g_.nodes[i]->op->state)
        return false;
    return true;
  }

  // True for a node that loops over lanes itself (OpDef::lane_loops), innermost: a tensor,
  // or a value reduced from one (a sum's elements are read across lanes).
  bool owns_lanes(int i) const {
    const Node& node = *g_.nodes[i];
    return target_.lane_loops && node.op->lane_loops &&
           (node.size() > 1 || (!node.inputs.empty() && node.inputs[0]->size() > 1));
  }

  // The code of some nodes of a region for one frame: one lane loop around every run of
  // consecutive nodes (the compiler vectorises it across lanes as a whole; one loop per
  // node would be unrolled first); a node that owns its lane loops stands alone.
  lir::Block emit_nodes(const std::vector<int>& nodes, int region, const std::string& t,
                        const std::string& rf) {
    lir::Block out, lanes;
    auto close = [&] {
      if (lanes.empty()) return;
      out.push_back(lir::lane_loop(std::move(lanes)));
      lanes.clear();
    };
    for (int i : nodes) {
      if (owns_lanes(i)) close();
      for (auto& st : emit_node(i, region, t, rf))
        (owns_lanes(i) ? out : lanes).push_back(std::move(st));
    }
    close();
    return out;
  }

  // A region's frame loop, a frame's code, and a prefetching serial region's chunks of
  // frames (lower_frames.cpp).
  lir::Stmt emit_region(int r);
  lir::Block emit_frame(const Region& region, int r);
  lir::Stmt prefetched_frame_loop(lir::Block frame, int64_t stride);

  // The steps of a region's frame loop: every frame of the block, or, at a hop stride, its
  // hop frames; `count` of them, and the block frame of step `k` (from the block's end in
  // reverse time).
  struct FrameSteps {
    std::string count, frame;
  };
  FrameSteps frame_steps(int64_t stride, const std::string& k) const {
    if (stride == 1) return {"nb", s_.reverse ? "nb - 1 - " + k : k};
    const std::string h = str(stride), first = first_hop_frame(h);
    const std::string hops = "(" + first + " < nb ? (nb - 1 - " + first + ") / " + h + " + 1 : 0)";
    return {hops, first + " + " + (s_.reverse ? "(" + hops + " - 1 - " + k + ")" : k) + " * " + h};
  }

  // The block's first frame whose time is a multiple of h (T0 ≥ 0), relative to the block.
  static std::string first_hop_frame(const std::string& h) {
    return "((T0 + " + h + " - 1) / " + h + " * " + h + " - T0)";
  }

  // The frames on which a region's code does anything: every frame (1), or, when all its
  // nodes run at hop rates, the multiples of their hops' gcd. A region of per-window
  // running values (a loss's total over windows, window counters) then loops over its hop
  // frames instead of testing every frame against its hops: on a GPU, one thread per lane
  // walking a 65536-frame block serially costs ~0.4 us a frame whatever it does.
  int64_t hop_stride(const Region& region) const {
    int64_t g = 0;
    for (int i : region.nodes) {
      if (!runs_on_hop_frames(*g_.nodes[i])) return 1;
      g = std::gcd(g, g_.nodes[i]->rate.hop);
    }
    return std::max<int64_t>(g, 1);
  }

  // Regions of windows and of a block's frames at once, and a window's chains (the
  // comments with the code, lower_windows.cpp).
  lir::Stmt emit_windows(int r);
  lir::Stmt emit_at_once(int r);
  lir::Block emit_cooperative_window(const Region& region, int r);
  std::vector<int> chains(const std::vector<WindowLog>& log) const;
  void fuse_chains(lir::Block& body, const std::vector<int>& chain);
  static lir::Stmt* node_loop(lir::Stmt& st);
  static size_t loop_head_size(const std::string& text);
  static std::string loop_body(const std::string& text);

  lir::Stmt emit_scan(int r);  // lower_scan.cpp

  const Schedule& s_;
  const Graph& g_;
  const LowerTarget target_;
  std::vector<int> outputs_of_;
  std::vector<bool> shared_;  // per node: its value is the same in every lane (find_shared)
  std::vector<bool> is_f64_;
  std::map<int, bool> local_state_;
  // What the function being lowered uses (see function()).
  std::set<int> used_inputs_, used_outputs_, used_buffers_, used_hoisted_;
  lir::Block functions_;      // the functions lowered so far
  bool padded_ = false;       // the region being emitted runs padded frame loops (padded())
  bool cooperating_ = false;  // emitting a window's ops for the threads of a CTA
  // The nodes of the window written since its CTA's last barrier, and by which threads
  // (needs_barrier).
  std::map<int, Writer> unsynced_;
  // The window's nodes in the order emitted (WindowLog), and the values that stay in
  // registers of their chain's loop (emit_cooperative_window).
  std::vector<WindowLog> window_log_;
  std::set<int> registers_;
  // The window's scalar ops of scalars that every thread computes into a register of its
  // own, so that no barrier waits for the first thread's (emit_cooperative_window).
  std::set<int> every_thread_;
  // The serial region being emitted reads block values and inputs from prefetch arrays,
  // and which it has read so far (emit_frame).
  bool prefetching_ = false;
  std::set<int> prefetched_, prefetched_inputs_;
  bool scan_maps_ = false;  // emitting a scan's runs for its maps (emit_scan)
  // While emitting a scan over hop frames, the condition true on the block's last step.
  std::string scan_last_step_;
};

}  // namespace dgen::lowering

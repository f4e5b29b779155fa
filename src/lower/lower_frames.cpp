// A frame region's loop over the block's frames (or its hop frames), and a frame's code:
// the lowering of the regions that are neither scans (lower_scan.cpp) nor windows
// (lower_windows.cpp).
#include "lower/lowering.hpp"

namespace dgen::lowering {
namespace {

// Values a chunk prefetches, at most: more would spill its registers.
constexpr size_t kMaxPrefetched = 32;
// Characters of a frame's code: the reverse-time frame of a biquad's gradient (64 nodes)
// takes about 9000; unrolled 16 times NVRTC compiles it in about a second.
constexpr size_t kMaxUnrolledFrame = 16384;
bool straight_line(const lir::Block& b, size_t& size) {
  for (const lir::Stmt& st : b) {
    size += st.text.size() + st.decl.name.size();
    // A lane loop is the thread's own lane on a target without lane loops.
    const bool loop = st.kind == lir::Kind::For && st.loop.iter != lir::Iter::Lane;
    if (loop || st.text.find("for (") != std::string::npos || !straight_line(st.body, size))
      return false;
  }
  return size <= kMaxUnrolledFrame;
}

}  // namespace

// A frame's code of a region. A frame-serial region of a target that prefetches reads
// other regions' scalar block values and host inputs from registers filled ahead
// (prefetched_frame_loop), unless it reads so many that the registers would spill.
// The frames of a chunk are unrolled, so only a short straight-line frame (a scalar
// recurrence: filters, oscillators, envelopes) prefetches; a frame with loops of its own
// (hop work, FFTs, rings) would be copied P times and its compile time with it.
lir::Block Lowering::emit_frame(const Region& region, int r) {
  prefetched_.clear(), prefetched_inputs_.clear();
  prefetching_ =
      target_.prefetch_frames > 0 && region.kind == RegionKind::Serial && !region.windows;
  lir::Block body = emit_nodes(region.nodes, r, "t", "rf");
  prefetching_ = false;
  size_t size = 0;
  if (prefetched_.size() + prefetched_inputs_.size() <= kMaxPrefetched && straight_line(body, size))
    return body;
  prefetched_.clear(), prefetched_inputs_.clear();
  return emit_nodes(region.nodes, r, "t", "rf");
}

// The frame loop of a prefetching serial region: chunks of P frames (of its hop frames,
// hop_stride, where it runs on those alone); each chunk loads the values its frames read
// into arrays P<node>[P] (PI<ch>[P] for host inputs), then runs its frames in order (`j`
// the frame's place in the chunk; in reverse time the chunks and their frames go from
// the block's end). Both inner loops are unrolled, so the arrays are registers and the
// loads of a chunk are in flight together.
lir::Stmt Lowering::prefetched_frame_loop(lir::Block frame, int64_t stride) {
  const std::string p = str(target_.prefetch_frames);
  const FrameSteps steps = frame_steps(stride, "(i0 + j)");
  const std::string n = steps.count, at = steps.frame;
  lir::Block chunk, loads;
  loads.push_back(lir::line("const int64_t i = " + at + ";"));
  lir::Block load_frame;
  for (int i : prefetched_) {
    chunk.push_back(lir::declare({"float", "P" + std::to_string(i) + "[" + p + "]", false, ""}));
    load_frame.push_back(lir::line("P" + std::to_string(i) + "[j] = " + val(i, "0", 0) + ";"));
  }
  for (int ch : prefetched_inputs_) {
    chunk.push_back(lir::declare({"float", "PI" + std::to_string(ch) + "[" + p + "]", false, ""}));
    load_frame.push_back(
        lir::line("PI" + std::to_string(ch) + "[j] = I" + std::to_string(ch) + "_b[i];"));
  }
  loads.push_back(lir::if_("i0 + j < " + n, std::move(load_frame)));
  const lir::Loop in_chunk = {
      .iter = lir::Iter::Frame, .type = "int", .var = "j", .from = "0", .to = p, .unroll = true};
  chunk.push_back(lir::for_(in_chunk, std::move(loads)));
  lir::Block run = {lir::line("const int64_t i = " + at + ";")};
  run.push_back(lir::if_("i0 + j < " + n, std::move(frame)));
  chunk.push_back(lir::for_(in_chunk, std::move(run)));
  return lir::for_({.iter = lir::Iter::Frame, .var = "i0", .from = "0", .to = n, .step = p},
                   std::move(chunk));
}

lir::Stmt Lowering::emit_region(int r) {
  const Region& region = s_.regions[r];
  local_state_.clear();
  if (region.windows) return emit_windows(r);
  if (region.at_once) return emit_at_once(r);
  if (region.scan.chunk > 0) return emit_scan(r);
  lir::Block pre, post, frame;
  if (region.kind == RegionKind::Serial) {
    for (int i : region.nodes)
      for (size_t v = 0; v < s_.state[i].size(); ++v) {
        const int b = s_.state[i][v];
        const StateVar& var = s_.state_vars[i][v];
        if (var.count != 1 || var.lanes_alike || local_state_.count(b)) continue;
        local_state_.insert({b, true});
        const std::string name = "S" + std::to_string(b);
        pre.push_back(lir::declare({is_f64_[b] ? "double" : "float", name, true, buf(b) + "[l]"}));
        post.push_back(lir::lane_loop({lir::line(buf(b) + "[l] = " + lane_local(name) + ";")}));
      }
  }
  // Row 0 of a crossing hop value holds the value from before the block, unless T0 is
  // a hop frame: then the first frame computes row 0 itself.
  for (int i : region.nodes)
    if (g_.nodes[i]->rate.is_hop() && s_.storage[i] == Storage::Block)
      pre.push_back(lir::if_("T0 % " + str(g_.nodes[i]->rate.hop) + " != 0",
                             {lir::lane_loop({copy_row(i, "0")})}));
  padded_ = padded(region);
  frame.push_back(
      lir::line("const int64_t t = T0 + i; const int64_t rf = b0 + i; (void)t; (void)rf;"));
  for (int i : region.nodes)
    if (s_.storage[i] == Storage::Local)
      frame.push_back(lir::declare({"float", "v" + std::to_string(i), true, padded_ ? "0" : ""}));
  lir::Block body = emit_frame(region, r);
  for (auto& st : body) frame.push_back(std::move(st));
  lir::Block all = std::move(pre);
  // Frames of a parallel region are independent unless a frame tensor is overwritten
  // in a slot every frame; then the loop must stay in order.
  bool independent = region.kind == RegionKind::Parallel;
  for (int i : region.nodes) independent = independent && s_.storage[i] != Storage::Slot;
  const std::string n =
      padded_ ? "((nb + " + str(kPadFrames - 1) + ") & ~(int64_t)" + str(kPadFrames - 1) + ")"
              : "nb";
  const int64_t stride = hop_stride(region);
  if (!prefetched_.empty() || !prefetched_inputs_.empty()) {
    all.push_back(prefetched_frame_loop(std::move(frame), stride));
  } else if (stride > 1) {
    // The block's hop frames k = 0 … hops - 1 (in reverse time from the last).
    const FrameSteps steps = frame_steps(stride, "k");
    frame.insert(frame.begin(), lir::line("const int64_t i = " + steps.frame + ";"));
    all.push_back(lir::for_({.iter = lir::Iter::Frame,
                             .var = "k",
                             .from = "0",
                             .to = steps.count,
                             .independent = independent},
                            std::move(frame)));
  } else {
    all.push_back(lir::for_({.iter = lir::Iter::Frame,
                             .var = "i",
                             .from = "0",
                             .to = n,
                             .reverse = s_.reverse,
                             .independent = independent},
                            std::move(frame)));
  }
  padded_ = false;
  for (auto& p : post) all.push_back(std::move(p));
  const char* kind = region.kind == RegionKind::Serial ? "frame-serial" : "frame-parallel";
  return lir::scope("/* region " + std::to_string(r) + ": " + kind + " */", std::move(all));
}

}  // namespace dgen::lowering

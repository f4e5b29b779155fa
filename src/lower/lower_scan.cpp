// The lowering of a scan (Region::scan, src/schedule/scan.hpp).
#include "lower/lowering.hpp"

namespace dgen::lowering {

// A serial region linear in its state as a scan over chunks of the block's frames
// (src/schedule/scan.hpp): (1) every chunk at once runs its frames from the state 0, from
// each cell's unit vector and with each ramp at 0.5, which gives the chunk's map: the
// cells' s -> M s + c (columns of M: the differences from the run from 0), each ramp's
// p -> p + c mod 1, or c alone where a reset in the chunk forgot p (the runs from 0 and
// 0.5 then end alike); (2) one thread per lane carries the state over the chunks in order,
// leaving each chunk's start; (3) every chunk at once runs its frames from its start,
// writing the region's values and each total's part of the chunk, the last chunk storing
// the state for the next block; (4) one thread per lane adds the totals' parts in order.
// Chunks are in the order the frames run (in reverse time, from the block's end). A
// region of one hop (a loss's running level over its windows) runs the same over its hop
// frames: a chunk is k of them.
lir::Stmt Lowering::emit_scan(int r) {
  const Region& region = s_.regions[r];
  const Region::Scan& scan = region.scan;
  const size_t n = scan.cells.size(), ramps = scan.ramps.size(), totals = scan.totals.size();
  const size_t states = n + ramps;
  // Step q of the block: its frame, and how many there are.
  const int64_t stride = hop_stride(region);
  const FrameSteps steps = frame_steps(stride, "q");
  const std::string k = str(scan.chunk), count = steps.count,
                    chunks = "((" + count + " + " + k + " - 1) / " + k + ")";
  if (stride > 1) scan_last_step_ = "q == " + count + " - 1";
  // State j: cell j, then ramp j - n; each a local S<buffer> of the frame's code.
  const auto state = [&](size_t j) {
    return s_.state[j < n ? scan.cells[j] : scan.ramps[j - n]][0];
  };
  const auto total = [&](size_t j) { return s_.state[scan.totals[j]][0]; };
  const auto type = [&](int b) { return std::string(is_f64_[b] ? "double" : "float"); };
  const auto local = [&](int b) { return "S" + std::to_string(b); };
  const auto copy_of = [&](size_t j, size_t m) { return local(state(j)) + "_" + str(int64_t(m)); };
  for (size_t j = 0; j < states; ++j) local_state_.insert({state(j), true});
  for (size_t j = 0; j < totals; ++j) local_state_.insert({total(j), true});
  // The region's frame, i the frame of the block for the chunk's q-th step. For the
  // maps, only what feeds the state, every value of the region a local. The maps' runs
  // share the values that depend on no state: computed once a frame before them (a
  // compiler does not merge the runs' copies of a sine's branches).
  const auto frame_code = [&](const std::vector<int>& nodes, bool for_maps, bool header) {
    lir::Block code;
    if (header)
      code.push_back(lir::line("const int64_t i = " + steps.frame +
                               "; const int64_t t = T0 + i; const int64_t rf = b0 + i; "
                               "(void)t; (void)rf;"));
    for (int i : nodes)
      if (s_.storage[i] == Storage::Local || for_maps || stride > 1)
        code.push_back(lir::declare({"float", "v" + std::to_string(i), true, ""}));
    scan_maps_ = for_maps;
    for (auto& st : emit_nodes(nodes, r, "t", "rf")) code.push_back(std::move(st));
    scan_maps_ = false;
    return code;
  };
  const lir::Block frame = frame_code(region.nodes, false, true),
                   maps_fixed = frame_code(scan.fixed, true, true),
                   maps_frame = frame_code(scan.varying, true, false);
  const auto chunk_frames = [&](lir::Block body) {
    return lir::for_(
        {.iter = lir::Iter::Frame,
         .var = "q",
         .from = "c * " + k,
         .to = "((c + 1) * " + k + " < " + count + " ? (c + 1) * " + k + " : " + count + ")"},
        std::move(body));
  };
  // Chunk c of the block; its first frame c0 (a grid over chunks has as many threads per
  // lane as there are).
  const std::string chunk_span = str(scan.chunk * stride);
  const auto over_chunks = [&](lir::Block body) {
    body.insert(body.begin(), lir::line("const int64_t c = c0 / " + chunk_span + ";"));
    return lir::for_({.iter = lir::Iter::Frame,
                      .var = "c0",
                      .from = "0",
                      .to = "nb",
                      .step = chunk_span,
                      .independent = true},
                     std::move(body));
  };
  // Element e of chunk c's row of a scan buffer of `width` per chunk.
  const auto at = [&](int b, size_t width, size_t e) {
    return buf(b) + "[" + layout::index("c * " + str(int64_t(width)) + " + " + str(int64_t(e))) +
           "]";
  };
  // A chunk's map: row j of the cells (c_j, then M[j][0 .. n - 1]), then per ramp its
  // phase from 0 and whether its start still counts.
  const size_t map_width = n * (n + 1) + 2 * ramps;
  const auto cell_entry = [&](size_t j, size_t col) { return j * (n + 1) + col; };
  const auto ramp_entry = [&](size_t j, size_t e) { return n * (n + 1) + 2 * j + e; };
  const auto cell_map = [&](size_t j, size_t col) {
    return at(scan.maps, map_width, cell_entry(j, col));
  };
  const auto ramp_map = [&](size_t j, size_t e) {
    return at(scan.maps, map_width, ramp_entry(j, e));
  };
  const auto totals_from_zero = [&](lir::Block& b) {
    for (size_t j = 0; j < totals; ++j)
      b.push_back(lir::declare({"double", local(total(j)), true, "0"}));
  };
  // A loop over the block's chunks in order, one thread per lane, whose `step` reads
  // `width` doubles of each chunk's row of `buffer` (entry e as the step's `row(e)`). A
  // prefetching target loads the rows of several chunks into registers at once (64 doubles
  // at most), then steps through them in order: one thread's loads overlap instead of each
  // chunk's waiting behind the last (a scan of 65536 frames walks 1024 chunks).
  using Row = std::function<std::string(size_t)>;
  const auto in_order = [&](int buffer, size_t width,
                            const std::function<lir::Block(const Row&)>& step) {
    const int64_t ahead = target_.prefetch_frames > 0
                              ? std::clamp<int64_t>(64 / int64_t(width), 1, target_.prefetch_frames)
                              : 1;
    if (ahead <= 1)
      return lir::for_({.iter = lir::Iter::Frame, .var = "c", .from = "0", .to = chunks},
                       {lir::lane_loop(step([&](size_t e) { return at(buffer, width, e); }))});
    const std::string w = str(int64_t(width)), p = str(ahead);
    const auto held = [&](size_t e) { return "CR[j * " + w + " + " + str(int64_t(e)) + "]"; };
    const lir::Loop in_group = {
        .iter = lir::Iter::Frame, .type = "int", .var = "j", .from = "0", .to = p, .unroll = true};
    const std::string chunk = "const int64_t c = c1 + j;";
    lir::Block fill;
    for (size_t e = 0; e < width; ++e)
      fill.push_back(lir::line(held(e) + " = " + at(buffer, width, e) + ";"));
    lir::Block load = {lir::line(chunk), lir::if_("c < " + chunks, std::move(fill))};
    lir::Block apply = {lir::line(chunk), lir::if_("c < " + chunks, {lir::lane_loop(step(held))})};
    lir::Block group = {
        lir::declare({"double", "CR[" + str(ahead * int64_t(width)) + "]", false, ""}),
        lir::for_(in_group, std::move(load)), lir::for_(in_group, std::move(apply))};
    return lir::for_({.iter = lir::Iter::Frame, .var = "c1", .from = "0", .to = chunks, .step = p},
                     std::move(group));
  };
  lir::Block all;

  // (1) The maps: run 0 from the state 0, run m + 1 from cell m's unit vector or with ramp
  // m - n at 0.5.
  lir::Block maps, step;
  for (size_t m = 0; m <= states; ++m)
    for (size_t j = 0; j < states; ++j)
      maps.push_back(lir::declare({type(state(j)), copy_of(j, m), true,
                                   m != j + 1 ? "0"
                                   : j < n    ? "1"
                                              : "0.5"}));
  for (const lir::Stmt& st : maps_fixed) step.push_back(st);
  for (size_t m = 0; m <= states; ++m) {
    lir::Block run, back;
    for (size_t j = 0; j < states; ++j) {
      run.push_back(
          lir::declare({type(state(j)), local(state(j)), true, lane_local(copy_of(j, m))}));
      back.push_back(
          lir::line(lane_local(copy_of(j, m)) + " = " + lane_local(local(state(j))) + ";"));
    }
    for (const lir::Stmt& st : maps_frame) run.push_back(st);
    run.push_back(lir::lane_loop(std::move(back)));
    step.push_back(lir::scope("", std::move(run)));
  }
  maps.push_back(chunk_frames(std::move(step)));
  lir::Block store;
  for (size_t j = 0; j < n; ++j) {
    const std::string zero = lane_local(copy_of(j, 0));
    store.push_back(lir::line(cell_map(j, 0) + " = " + zero + ";"));
    for (size_t m = 0; m < n; ++m)
      store.push_back(lir::line(cell_map(j, m + 1) + " = " + lane_local(copy_of(j, m + 1)) + " - " +
                                zero + ";"));
  }
  for (size_t j = n; j < states; ++j) {
    const std::string zero = lane_local(copy_of(j, 0));
    store.push_back(lir::line(ramp_map(j - n, 0) + " = " + zero + ";"));
    store.push_back(lir::line(ramp_map(j - n, 1) + " = " + lane_local(copy_of(j, j + 1)) +
                              " != " + zero + ";"));
  }
  maps.push_back(lir::lane_loop(std::move(store)));
  all.push_back(over_chunks(std::move(maps)));

  // (2) The state carried over the chunks: each chunk's start, then s <- M s + c for the
  // cells and p <- p + c mod 1 (or c) for the ramps.
  lir::Block carry;
  // Row 0 of a crossing hop value holds the value from before the block (its slot's, which
  // the last chunk overwrites), unless T0 is a hop frame.
  if (stride > 1)
    for (int i : region.nodes)
      if (s_.storage[i] == Storage::Block)
        carry.push_back(
            lir::if_("T0 % " + str(stride) + " != 0", {lir::lane_loop({copy_row(i, "0")})}));
  const auto carried = [&](size_t j) { return lane_local("s" + str(int64_t(j))); };
  for (size_t j = 0; j < states; ++j)
    carry.push_back(lir::declare(
        {"double", "s" + str(int64_t(j)), true, buf(state(j)) + "[" + layout::index("0") + "]"}));
  // Chunk c's step, its map's entry e (cell_entry, ramp_entry) read by `map`.
  const auto carry_step = [&](const std::function<std::string(size_t)>& map) {
    lir::Block next;
    for (size_t j = 0; j < states; ++j) {
      next.push_back(lir::line(at(scan.starts, states, j) + " = " + carried(j) + ";"));
      std::string value;
      if (j < n) {
        value = map(cell_entry(j, 0));
        for (size_t m = 0; m < n; ++m)
          value += " + " + map(cell_entry(j, m + 1)) + " * " + carried(m);
        value = "(" + type(state(j)) + ")(" + value + ")";
      } else {
        const std::string c = map(ramp_entry(j - n, 0)), p = "(" + carried(j) + " + " + c + ")";
        value = map(ramp_entry(j - n, 1)) + " != 0 ? " + p + " - floor(" + p + ") : " + c;
      }
      next.push_back(lir::line("const double n" + str(int64_t(j)) + " = " + value + ";"));
    }
    for (size_t j = 0; j < states; ++j)
      next.push_back(lir::line(carried(j) + " = n" + str(int64_t(j)) + ";"));
    return next;
  };
  carry.push_back(in_order(scan.maps, map_width, carry_step));
  all.push_back(lir::scope("", std::move(carry)));

  // (3) Every chunk's frames from its start.
  lir::Block run;
  for (size_t j = 0; j < states; ++j)
    run.push_back(lir::declare({type(state(j)), local(state(j)), true,
                                "(" + type(state(j)) + ")" + at(scan.starts, states, j)}));
  totals_from_zero(run);
  run.push_back(chunk_frames(frame));
  lir::Block last;
  for (size_t j = 0; j < states; ++j)
    last.push_back(lir::line(buf(state(j)) + "[" + layout::index("0") +
                             "] = " + lane_local(local(state(j))) + ";"));
  // The chunk of the last step (none where the block has no hop frame).
  run.push_back(lir::if_("c * " + k + " < " + count + " && (c + 1) * " + k + " >= " + count,
                         {lir::lane_loop(std::move(last))}));
  lir::Block parts;
  for (size_t j = 0; j < totals; ++j)
    parts.push_back(
        lir::line(at(scan.parts, totals, j) + " = " + lane_local(local(total(j))) + ";"));
  if (totals > 0) run.push_back(lir::lane_loop(std::move(parts)));
  all.push_back(over_chunks(std::move(run)));

  // (4) The totals' parts added in order, into a local of each total's type: the same
  // sums as adding to the buffer chunk by chunk, without a store and a load between two
  // chunks (a 64-lane gradient's sums over 1024 chunks waited on both).
  if (totals > 0) {
    const auto sum = [&](size_t j) { return lane_local("A" + str(int64_t(j))); };
    lir::Block add;
    for (size_t j = 0; j < totals; ++j)
      add.push_back(lir::declare({type(total(j)), "A" + str(int64_t(j)), true,
                                  buf(total(j)) + "[" + layout::index("0") + "]"}));
    add.push_back(in_order(scan.parts, totals, [&](const Row& part) {
      lir::Block next;
      for (size_t j = 0; j < totals; ++j)
        next.push_back(lir::line(sum(j) + " += " + part(j) + ";"));
      return next;
    }));
    lir::Block store;
    for (size_t j = 0; j < totals; ++j)
      store.push_back(lir::line(buf(total(j)) + "[" + layout::index("0") + "] = " + sum(j) + ";"));
    add.push_back(lir::lane_loop(std::move(store)));
    all.push_back(lir::scope("", std::move(add)));
  }
  scan_last_step_.clear();
  return lir::scope("/* region " + std::to_string(r) + ": frame-serial, a scan over chunks of " +
                        k + (stride > 1 ? " hop frames */" : " frames */"),
                    std::move(all));
}

}  // namespace dgen::lowering

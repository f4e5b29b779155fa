// The lowering of regions of windows and of a block's frames at once (Region::windows,
// Region::at_once), and, for a GPU's CTA per window, the fusing of its elementwise chains.
#include "lower/lowering.hpp"

namespace dgen::lowering {

// A window's ops for the threads of its CTA, with each chain of ops that need no barrier
// between them, each one loop over the same elements, fused into one loop (fuse_chains);
// a value only that chain reads stays in a register of its loop. A scalar op of scalars
// that only its window reads (a sum's total scaled, a level's inverse) is computed by every
// thread into a register of its own rather than by the first thread into a row that the
// others wait for at a barrier: it neither cuts a chain nor makes a loop after it wait.
// Only where another thread reads it: the ops are emitted up to three times, to find those
// scalars, to find the chains with them, then with the chains' values in registers.
lir::Block Lowering::emit_cooperative_window(const Region& region, int r) {
  cooperating_ = true;
  auto emit = [&] {
    unsynced_.clear(), window_log_.clear();
    return emit_nodes(region.nodes, r, "t", "rf");
  };
  lir::Block first = emit();
  // Only scalars that threads other than the first read, directly or through such scalars:
  // one that only the first thread's ops read (a value held for the next block) would have
  // every thread wait for the sum it reads, where the first thread alone needs no barrier.
  std::map<int, const WindowLog*> logged;
  for (const WindowLog& w : window_log_) logged[w.node] = &w;
  for (auto w = window_log_.rbegin(); w != window_log_.rend(); ++w) {
    const std::vector<int> by = readers(w->node);
    if (w->could_be_scalar && std::any_of(by.begin(), by.end(), [&](int u) {
          const WindowLog& reader = *logged.at(u);
          return every_thread_.count(u) || (!reader.could_be_scalar && !reader.on_first_thread);
        }))
      every_thread_.insert(w->node);
  }
  if (!every_thread_.empty()) first = emit();
  const std::vector<int> chain = chains(window_log_);
  std::map<int, int> chain_of;
  for (size_t k = 0; k < window_log_.size(); ++k) chain_of[window_log_[k].node] = chain[k];
  for (const WindowLog& w : window_log_) {
    const std::vector<int> by = readers(w.node);
    const bool private_to_chain = chain_of[w.node] >= 0 && private_to_window(w.node) &&
                                  !by.empty() && std::all_of(by.begin(), by.end(), [&](int u) {
                                    const auto c = chain_of.find(u);
                                    return c != chain_of.end() && c->second == chain_of[w.node];
                                  });
    if (private_to_chain) registers_.insert(w.node);
  }
  lir::Block body = registers_.empty() ? std::move(first) : emit();
  fuse_chains(body, chain);
  for (auto at = every_thread_.rbegin(); at != every_thread_.rend(); ++at)
    body.insert(body.begin(), lir::line("float w" + std::to_string(*at) + ";"));
  registers_.clear(), every_thread_.clear(), unsynced_.clear(), window_log_.clear();
  cooperating_ = false;
  return body;
}

// The chain each logged node joins (-1: none): a node whose loop over its own elements
// follows, without a barrier, another's over the same number of elements under the same
// guard joins that node's chain. Scalars every thread computes between them are passed
// over (fuse_chains puts them before the chain's loop), unless a barrier came before one.
std::vector<int> Lowering::chains(const std::vector<WindowLog>& log) const {
  std::vector<int> chain(log.size(), -1);
  int prev = -1;     // the last logged node that is not such a scalar
  bool cut = false;  // a barrier since it
  for (size_t k = 0; k < log.size(); ++k) {
    const WindowLog& b = log[k];
    if (b.every_thread) {
      cut = cut || b.barrier;
      continue;
    }
    if (prev >= 0) {
      const WindowLog& a = log[size_t(prev)];
      const Node &na = *g_.nodes[a.node], &nb = *g_.nodes[b.node];
      if (a.own && b.own && !b.barrier && !cut && na.size() == nb.size() && na.rate == nb.rate) {
        if (chain[size_t(prev)] < 0) chain[size_t(prev)] = prev;  // a starts the chain
        chain[k] = chain[size_t(prev)];
      }
    }
    prev = int(k), cut = false;
  }
  return chain;
}

// Fuses each chain's loops (chains()) into its first node's loop: their bodies in order,
// each chain register declared before the body that writes it. A scalar every thread
// computes that comes while a chain is open goes before the chain's loop (its inputs,
// scalars, were all written before the chain began). The nodes' statements are in the
// lane loop(s) of `body`, one per logged node, barriers between them.
void Lowering::fuse_chains(lir::Block& body, const std::vector<int>& chain) {
  size_t k = 0;  // the logged node of the next node statement
  for (lir::Stmt& lanes : body) {
    if (lanes.kind != lir::Kind::For || lanes.loop.iter != lir::Iter::Lane) continue;
    lir::Block out;
    int open = -1;  // the chain whose loop is out.back()'s
    for (lir::Stmt& st : lanes.body) {
      if (st.kind == lir::Kind::Line && st.text == kBarrier) {
        out.push_back(std::move(st));
        open = -1;
        continue;
      }
      const int c = chain.at(k), node = window_log_.at(k).node;
      const bool scalar = window_log_.at(k).every_thread;
      ++k;
      if (scalar) {
        out.insert(open >= 0 ? out.end() - 1 : out.end(), std::move(st));
        continue;
      }
      const std::string reg = registers_.count(node) ? "float w" + std::to_string(node) + "; " : "";
      lir::Stmt* loop = node_loop(st);
      if (c >= 0 && c == open && loop) {
        lir::Stmt* into = node_loop(out.back());
        // Named as its own code is, in braces of its own (ops name temporaries alike).
        into->text.insert(into->text.size() - 2, " " + reg + "/* " + g_.nodes[node]->op->name +
                                                     "#" + std::to_string(node) + " */ { " +
                                                     loop_body(loop->text) + " }");
        continue;
      }
      if (loop && !reg.empty()) loop->text.insert(loop_head_size(loop->text), reg);
      out.push_back(std::move(st));
      open = loop ? c : -1;
    }
    lanes.body = std::move(out);
  }
}

// The one loop statement of a node's code (under its guards), or null.
lir::Stmt* Lowering::node_loop(lir::Stmt& st) {
  lir::Stmt* at = &st;
  while ((at->kind == lir::Kind::If || at->kind == lir::Kind::Scope) && at->body.size() == 1)
    at = &at->body[0];
  return at->kind == lir::Kind::Line && at->text.starts_with("for (") ? at : nullptr;
}

// emit_loop's spread loop "HEAD { BODY }": HEAD's length with " { ", and BODY.
size_t Lowering::loop_head_size(const std::string& text) { return text.find(" { ") + 3; }

std::string Lowering::loop_body(const std::string& text) {
  const size_t head = loop_head_size(text);
  return text.substr(head, text.size() - head - 2);
}

// A region of windows (Region::windows): one iteration per hop frame of the block, each
// independent of the others (so in any order, also in reverse time), its nodes writing
// their rows. A value other regions read starts from the one held from before the block
// (row 0, which the window on T0 overwrites when T0 is a hop frame) and leaves the last
// window's in its slot, held for the next block, as the frame-by-frame loop does.
lir::Stmt Lowering::emit_windows(int r) {
  const Region& region = s_.regions[r];
  const std::string h = str(region.hop);
  const std::string first = first_hop_frame(h);
  lir::Block frame = {
      lir::line("const int64_t t = T0 + i; const int64_t rf = b0 + i; (void)t; (void)rf;")};
  const bool cooperative = target_.cooperative_windows && region.hop > 1;
  // The value of a node read through that still runs (reads_through) goes here.
  if (region.hop > 1 && std::any_of(region.nodes.begin(), region.nodes.end(), [&](int i) {
        return reads_through(i) && g_.nodes[i]->op->element_stores_state;
      }))
    frame.push_back(lir::line(std::string("float ") + kSink + "; (void)" + kSink + ";"));
  for (auto& st :
       cooperative ? emit_cooperative_window(region, r) : emit_nodes(region.nodes, r, "t", "rf"))
    frame.push_back(std::move(st));
  // The held values' copies and what ops keep for the next blocks' windows: one loop
  // over the elements of all of them, whose iterations are independent (a GPU runs them
  // as a grid too).
  lir::Block held_in, held_out, after;
  const std::string last =
      s_.reverse ? first : first + " + (nb - 1 - " + first + ") / " + h + " * " + h;
  int64_t elements = 0;
  for (int i : region.nodes) {
    const OpDef& op = *g_.nodes[i]->op;
    if (!op.emit_window_keep) continue;
    const int64_t n = op.window_keep(*g_.nodes[i]);
    lir::Block code = emit_node(i, r, "t", "rf", &op.emit_window_keep);
    if (n > 0) after.push_back(lir::if_("e < " + str(n), std::move(code)));
    elements = std::max(elements, n);
  }
  for (int i : region.nodes)
    if (read_by_other_regions(i) && g_.nodes[i]->rate.is_hop()) {
      const std::string m = str(g_.nodes[i]->size());
      held_in.push_back(lir::if_("e < " + m, {lir::line(copy_row_element(i, "0", true))}));
      held_out.push_back(
          lir::if_("e < " + m, {lir::line(copy_row_element(i, row(i, last), false))}));
      elements = std::max(elements, g_.nodes[i]->size());
    }
  auto over_elements = [&](lir::Block body) {
    return lir::for_({.iter = lir::Iter::Element,
                      .var = "e",
                      .from = "0",
                      .to = str(elements),
                      .independent = true},
                     {lir::lane_loop(std::move(body))});
  };
  lir::Block all;
  if (!held_in.empty()) all.push_back(over_elements(std::move(held_in)));
  all.push_back(lir::for_({.iter = lir::Iter::Window,
                           .var = "i",
                           .from = first,
                           .to = "nb",
                           .step = h,
                           .independent = true,
                           .shared_floats = shared_floats(region)},
                          std::move(frame)));
  if (!held_out.empty()) after.push_back(lir::if_(first + " < nb", std::move(held_out)));
  if (!after.empty()) all.push_back(over_elements(std::move(after)));
  const std::string what = region.hop > 1 ? "windows of hop " + h : "frames from windows";
  return lir::scope("/* region " + std::to_string(r) + ": " + what + " */", std::move(all));
}

// A region of ops that do a block's frames at once (Region::at_once): one iteration
// over the block, independent of the other blocks' (a GPU runs it on a CTA per tile of
// lanes, as a window, whose threads share each op's frames).
lir::Stmt Lowering::emit_at_once(int r) {
  const Region& region = s_.regions[r];
  cooperating_ = target_.cooperative_windows;
  unsynced_.clear();
  lir::Block body;
  for (int i : region.nodes)
    body.push_back(lir::lane_loop(emit_node(i, r, "T0", "b0", &g_.nodes[i]->op->emit_block)));
  cooperating_ = false;
  unsynced_.clear();
  return lir::scope("/* region " + std::to_string(r) + ": the block's frames at once */",
                    {lir::for_({.iter = lir::Iter::Window,
                                .var = "i",
                                .from = "0",
                                .to = "nb",
                                .step = str(s_.block),
                                .independent = true},
                               std::move(body))});
}

}  // namespace dgen::lowering

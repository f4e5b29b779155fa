#include "runtime/tape_arena.hpp"

#include <stdexcept>

#include "schedule/memory_plan.hpp"

namespace dgen {

std::vector<Executor::StateCopy> tape_copies(const Differentiated& d, const Schedule& forward,
                                             const Schedule& backward) {
  std::vector<Executor::StateCopy> copies;
  for (const Differentiated::Tape& t : d.tapes) {
    const auto read = backward.graph.index.find(t.read.get());
    if (read != backward.graph.index.end())
      copies.push_back({read->second, 0, forward.graph.index.at(t.write.get()), 0});
  }
  return copies;
}

void read_tapes_in_place(const Schedule& forward, Schedule& backward,
                         const std::vector<Executor::StateCopy>& tapes) {
  auto tape = [](const Schedule& s, int node) -> const Buffer& {
    return s.buffers[size_t(s.state[size_t(node)].at(0))];
  };
  backward.arena_base = forward.arena_bytes;
  backward.placed_state.clear();
  for (const Executor::StateCopy& t : tapes)
    backward.placed_state.push_back({t.node, tape(forward, t.from_node).offset});
  plan_memory(backward);
  for (const Executor::StateCopy& t : tapes)
    if (tape(backward, t.node).bytes != tape(forward, t.from_node).bytes)
      throw std::logic_error("tapes: " + tape(backward, t.node).what + " reads " +
                             tape(forward, t.from_node).what + " of another size");
}

}  // namespace dgen

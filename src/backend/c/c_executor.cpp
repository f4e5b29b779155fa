#include "backend/c/c_executor.hpp"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/c/render_c.hpp"
#include "runtime/arena.hpp"
#include "runtime/memory_budget.hpp"

namespace dgen {
namespace {

class CExecutor final : public Executor {
 public:
  // With an arena (another executor's, spanning this schedule's), runs in it: a
  // gradient's forward program in its backward program's arena (runtime/tape_arena.hpp).
  CExecutor(const Schedule& s, std::shared_ptr<CompiledLibrary> lib, std::shared_ptr<char> arena)
      : s_(s),
        lib_(std::move(lib)),
        arena_(arena ? std::move(arena)
                     : std::shared_ptr<char>(allocate_arena(s.arena_bytes), std::free)),
        inputs_(size_t(max_input_channel(s))) {
    reset();
  }

  // This executor's arena, for an executor of `s` to run in (the constructor's `arena`).
  std::shared_ptr<char> arena_for(const Schedule& s) const {
    if (s.arena_bytes > s_.arena_bytes)
      throw std::logic_error("c: an arena of " + std::to_string(s_.arena_bytes) +
                             " bytes shared with a program of " + std::to_string(s.arena_bytes));
    return arena_;
  }

  void reset() override { init_arena(s_, arena_.get(), kResetTransient); }

  void render(const RunIO& io) override {
    write_params(s_, arena_.get());
    std::vector<const float*> in(inputs_.size(), nullptr);
    for (size_t k = 0; k < in.size() && k < io.inputs.size(); ++k)
      if (!io.inputs[k].empty()) in[k] = padded_input(io.inputs[k], io.frames, inputs_[k]).data();
    lib_->run(arena_.get(), in.data(), io.outputs.data(), io.frames, io.sample_rate);
  }

  std::vector<double> read_state(int node, int var) const override {
    return read_arena_state(s_, arena_.get(), node, var);
  }

  void write_state(int node, int var, std::span<const double> values) override {
    write_arena_state(s_, arena_.get(), node, var, values);
  }

  void copy_state(int node, int var, const Executor& from, int from_node, int from_var) override {
    const auto* c = dynamic_cast<const CExecutor*>(&from);
    if (!c) return Executor::copy_state(node, var, from, from_node, from_var);
    const StateSpan to = state_span(s_, node, var), src = state_span(c->s_, from_node, from_var);
    if (src.bytes() != to.bytes() || src.f64 != to.f64)
      return Executor::copy_state(node, var, from, from_node, from_var);
    std::memcpy(arena_.get() + to.offset, c->arena_.get() + src.offset, to.bytes());
  }

  void seek(int64_t frame) override {
    *reinterpret_cast<int64_t*>(arena_.get() + s_.buffers[s_.frame_counter].offset) = frame;
  }

 private:
  const Schedule& s_;
  std::shared_ptr<CompiledLibrary> lib_;
  std::shared_ptr<char> arena_;
  std::vector<std::vector<float>> inputs_;
};

}  // namespace

std::unique_ptr<Executor> make_c_executor(const Schedule& schedule, const std::string& source,
                                          CompileStats* stats, const Executor* arena_owner) {
  std::shared_ptr<char> arena;
  if (arena_owner) {
    const auto* owner = dynamic_cast<const CExecutor*>(arena_owner);
    if (!owner) throw std::logic_error("c: an arena shared with another backend's program");
    arena = owner->arena_for(schedule);
  }
  return std::make_unique<CExecutor>(schedule, compile_c(source, stats), std::move(arena));
}

}  // namespace dgen

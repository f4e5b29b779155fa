// GradProgram: runs the forward and backward programs of autodiff/transform.hpp over a
// run, segment by segment, with checkpoints (see include/dgen/grad.hpp). The transform is
// autodiff's; driving the programs on a backend is the runtime's.
#include <algorithm>
#include <bit>
#include <numeric>
#include <set>

#include "analysis/graph.hpp"
#include "autodiff/transform.hpp"
#include "dgen/error.hpp"
#include "dgen/grad.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"
#include "runtime/backends.hpp"
#include "runtime/interface_rules.hpp"
#include "runtime/memory_budget.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/tape_arena.hpp"

namespace dgen {
namespace {

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

InputGrads input_grads(const GradOptions& o) { return {o.input_grads, o.input_grad_channels}; }

// The state a forward segment starts from: every state variable but the tapes.
using Checkpoint = std::vector<std::vector<double>>;

// The forward and backward programs for one tape capacity.
struct Compiled {
  int64_t capacity = 0;
  Differentiated d;  // declared first: destroyed after the programs that use its nodes
  std::unique_ptr<Schedule> fwd, bwd;  // executors keep references: never moved
  std::unique_ptr<Executor> fe, be;
  int loss_node = -1;
  // Each backward tape_read's tape from its forward tape_write's: copied after each
  // forward segment, unless both programs run in one arena (runtime/tape_arena.hpp).
  std::vector<Executor::StateCopy> tapes;
  bool one_arena = false;
  std::vector<int> grad_nodes;  // backward node of each d.grads entry
  // The forward (node, state var) pairs a checkpoint holds.
  std::vector<std::pair<int, int>> checkpoint;
  size_t first_shown = 0;  // forward output index of the first shown value
};

}  // namespace

struct GradProgram::Impl {
  Value loss;
  RenderOptions options;
  GradOptions grad_options;
  Backend backend = Backend::Interp;
  bool static_loss = false;
  double tape_bytes_per_frame = 0;  // every lane's
  int64_t hop_lcm = 1;
  std::vector<std::shared_ptr<ParamData>> params;
  std::vector<NodeRef> shown;       // out() nodes of the loss graph, then the extra outputs
  std::vector<size_t> extra_shown;  // position in `shown` of each extra output
  std::vector<std::vector<float>> rendered;
  // Per Differentiated::input_grads, [frame], summed over the lanes (which share inputs).
  std::vector<std::vector<float>> input_adjoints;
  std::unique_ptr<Compiled> compiled;
  int64_t segment = 0;
  size_t rendered_frames = 0;  // of the last run

  Impl(const Value& l, RenderOptions o, GradOptions go) : loss(l), options(o), grad_options(go) {}

  // Segment length for a run of n frames (also the tape capacity when there are tapes).
  int64_t plan_segment(int64_t n) const {
    n = std::max<int64_t>(n, 1);
    const double per_frame = tape_bytes_per_frame;
    if (per_frame == 0) return round_up(n, hop_lcm);
    // Whole runs up to a power of two share one capacity (one compilation).
    const int64_t whole_run = round_up(int64_t(std::bit_ceil(uint64_t(n))), hop_lcm);
    if (grad_options.checkpoint > 0)
      return std::min(round_up(grad_options.checkpoint, hop_lcm), whole_run);
    const int64_t budget = grad_options.tape_budget_bytes > 0 ? grad_options.tape_budget_bytes
                                                              : backend_def(backend).tape_budget();
    const auto fits = int64_t(double(budget) / per_frame) / hop_lcm * hop_lcm;
    return std::min(std::max(fits, hop_lcm), whole_run);
  }

  void compile(int64_t capacity) {
    if (compiled && compiled->capacity == capacity) return;
    compiled.reset();
    auto c = std::make_unique<Compiled>();
    c->capacity = capacity;
    c->d = differentiate(loss, capacity, input_grads(grad_options));
    std::vector<NodeRef> outs = c->d.forward_outputs();
    c->first_shown = outs.size();
    outs.insert(outs.end(), shown.begin(), shown.end());
    pipeline::Trace forward{"forward program"}, backward{"backward program"};
    c->fwd = std::make_unique<Schedule>(pipeline::schedule(outs, options.lanes, forward, backend));
    c->fwd->fast_math = options.fast_math;
    const Graph& fg = c->fwd->graph;
    c->loss_node = fg.index.at(c->d.loss_sum.get());
    if (!c->d.grads.empty() || !c->d.input_grads.empty()) {
      c->bwd = std::make_unique<Schedule>(
          pipeline::schedule(c->d.backward_outputs(), options.lanes, backward, backend));
      c->bwd->reverse = true;
      c->bwd->fast_math = options.fast_math;
      for (const auto& g : c->d.grads) c->grad_nodes.push_back(c->bwd->graph.index.at(g.sum.get()));
      c->tapes = tape_copies(c->d, *c->fwd, *c->bwd);
      c->one_arena = backend_def(backend).executor_in != nullptr;
      if (c->one_arena) read_tapes_in_place(*c->fwd, *c->bwd, c->tapes);
    }
    // Scratch state (the tapes) is written before it is read: no checkpoint needs it.
    std::set<int> cells;
    for (size_t i = 0; i < fg.nodes.size(); ++i) {
      if (fg.cell_of[i] >= 0 && !cells.insert(fg.cell_of[i]).second) continue;
      for (size_t v = 0; v < c->fwd->state_vars[i].size(); ++v)
        if (!c->fwd->state_vars[i][v].scratch) c->checkpoint.push_back({int(i), int(v)});
    }
    compiled = std::move(c);
  }

  // Refuses a run that would not fit in memory (docs/CLI.md, "Memory limit"), before the
  // executors, outputs and checkpoints are allocated: each grows with lanes, and the
  // checkpoints with the number of segments (many when a lane's tape is large).
  void check_run_memory(int64_t frames, int64_t segments, bool with_grad) const {
    const Compiled& c = *compiled;
    double rendered_bytes = 0, checkpoint_bytes = 0;
    for (const NodeRef& o : shown)
      rendered_bytes += 4.0 * double(frames) * double(o->size()) * options.lanes;
    for (auto [node, var] : c.checkpoint)
      checkpoint_bytes +=
          8.0 * double(c.fwd->state_vars[size_t(node)][size_t(var)].count) * options.lanes;
    std::vector<MemoryUse> uses = {{"forward program", executor_bytes(*c.fwd, backend)},
                                   {"rendered outputs", rendered_bytes}};
    if (with_grad && c.bwd) {
      const int64_t kept = std::max<int64_t>(segments - 1, 0);
      uses.push_back({"backward program", executor_bytes(*c.bwd, backend)});
      uses.push_back({std::to_string(kept) + " checkpoints", double(kept) * checkpoint_bytes});
    }
    check_memory("a gradient run of " + std::to_string(frames) + " frames in " +
                     std::to_string(options.lanes) + " lanes",
                 uses);
  }

  // In one arena, the backward program's (which spans the forward's) holds both.
  void make_executors() {
    Compiled& c = *compiled;
    if (c.fe) return;
    if (c.bwd) c.be = make_executor(*c.bwd, "backward program");
    c.fe = make_executor(*c.fwd, "forward program", c.one_arena ? c.be.get() : nullptr);
  }

  std::unique_ptr<Executor> make_executor(const Schedule& s, const char* program,
                                          const Executor* arena_owner = nullptr) const {
    pipeline::Trace trace{program};
    return pipeline::compile(s, backend, pipeline::lower(s, backend, trace), arena_owner);
  }

  Checkpoint save() const {
    Checkpoint cp;
    for (auto [node, var] : compiled->checkpoint) cp.push_back(compiled->fe->read_state(node, var));
    return cp;
  }

  void restore(const Checkpoint& cp, int64_t frame) {
    for (size_t k = 0; k < cp.size(); ++k) {
      auto [node, var] = compiled->checkpoint[k];
      compiled->fe->write_state(node, var, cp[k]);
    }
    compiled->fe->seek(frame);
  }

  // Runs the forward program over frames [start, start + n) of the run.
  void run_forward(int64_t start, int64_t n, const std::vector<InputChannel>& inputs) {
    const Compiled& c = *compiled;
    RunIO io;
    io.frames = n;
    io.sample_rate = options.sample_rate;
    for (const InputChannel& in : inputs) {
      if (in.channel < 1) throw Error("input channel must be >= 1");
      if (io.inputs.size() < size_t(in.channel)) io.inputs.resize(size_t(in.channel));
      const size_t from = std::min(in.samples.size(), size_t(start));
      io.inputs[size_t(in.channel - 1)] =
          in.samples.subspan(from, std::min(in.samples.size() - from, size_t(n)));
    }
    io.outputs.assign(c.first_shown, nullptr);
    for (size_t k = 0; k < shown.size(); ++k)
      io.outputs.push_back(rendered[k].data() + start * shown[k]->size() * options.lanes);
    c.fe->run(io);
  }

  // Runs the backward program over frames [start, start + n) of the run, from the last.
  void run_backward(int64_t start, int64_t n) {
    RunIO io;
    io.frames = n;
    io.sample_rate = options.sample_rate;
    io.outputs.assign(compiled->d.grads.size(), nullptr);
    for (std::vector<float>& adjoint : input_adjoints) io.outputs.push_back(adjoint.data() + start);
    io.summed_lanes = options.lanes;
    io.output_elements.assign(io.outputs.size(), 1);
    compiled->be->run(io);
  }

  double read_loss() const {
    const std::vector<double> sums = compiled->fe->read_state(compiled->loss_node, 0);
    return std::accumulate(sums.begin(), sums.end(), 0.0);
  }

  // Adds the backward program's gradient sums to the params' grads.
  void collect_grads() const {
    const int64_t lanes = options.lanes;
    for (size_t k = 0; k < compiled->d.grads.size(); ++k) {
      ParamData& p = *compiled->d.grads[k].param;
      const std::vector<double> sum = compiled->be->read_state(compiled->grad_nodes[k], 0);
      const int64_t m = numel(p.shape);
      if (p.grad.size() != p.value.size()) p.grad.assign(p.value.size(), 0.0);
      for (int64_t e = 0; e < m; ++e)
        for (int64_t l = 0; l < lanes; ++l)
          p.grad[size_t(p.per_lane ? l * m + e : e)] += sum[size_t(e * lanes + l)];
    }
  }

  double run(int64_t frames, const std::vector<InputChannel>& inputs, bool with_grad) {
    if (frames < 0) throw Error("frames must be >= 0");
    segment = plan_segment(frames);
    compile(tape_bytes_per_frame > 0 ? segment : 1);
    // Forward: every segment from the first, keeping a checkpoint at each start. A static
    // loss runs once (its programs have no frame part to differentiate).
    const int64_t count = static_loss ? 1 : (frames + segment - 1) / segment;
    check_run_memory(frames, count, with_grad);
    make_executors();
    Compiled& c = *compiled;
    rendered_frames = size_t(frames);
    for (size_t k = 0; k < shown.size(); ++k)
      rendered[k].assign(size_t(frames * shown[k]->size() * options.lanes), 0.0f);
    c.fe->reset();
    auto length = [&](int64_t j) {
      return static_loss ? frames : std::min(segment, frames - j * segment);
    };
    std::vector<Checkpoint> checkpoints;
    for (int64_t j = 0; j < count; ++j) {
      if (with_grad && j + 1 < count) checkpoints.push_back(save());
      run_forward(j * segment, length(j), inputs);
    }
    const double loss_value = read_loss();
    if (!with_grad || !c.be) return loss_value;
    // Backward: every segment from the last, re-running its forward to fill the tape.
    c.be->reset();
    c.be->seek(static_loss ? 0 : frames);
    input_adjoints.assign(c.d.input_grads.size(), std::vector<float>(size_t(frames)));
    for (int64_t j = count - 1; j >= 0; --j) {
      if (j + 1 < count) {
        restore(checkpoints[size_t(j)], j * segment);
        run_forward(j * segment, length(j), inputs);
      }
      if (!c.one_arena) c.be->copy_states(*c.fe, c.tapes);
      run_backward(j * segment, static_loss ? 0 : length(j));
    }
    collect_grads();
    return loss_value;
  }
};

GradProgram::GradProgram(const Value& loss, RenderOptions options, GradOptions grad_options,
                         std::vector<Value> outputs)
    : impl_(std::make_unique<Impl>(loss, options, grad_options)) {
  check_sample_rate(options.sample_rate);
  if (options.lanes < 1) throw Error("lanes must be >= 1, got " + std::to_string(options.lanes));
  if (grad_options.checkpoint < 0) throw Error("checkpoint interval must be >= 0");
  if (grad_options.tape_budget_bytes < 0) throw Error("tape budget must be >= 0 bytes");
  for (int channel : grad_options.input_grad_channels)
    if (channel < 1 || channel > kMaxChannel)
      throw Error("input gradient channel must be in [1, " + std::to_string(kMaxChannel) +
                  "], got " + std::to_string(channel));
  if (!grad_options.input_grads && !grad_options.input_grad_channels.empty())
    throw Error("input_grad_channels without input_grads: set GradOptions::input_grads too");
  Impl& p = *impl_;
  // Differentiating once up front reports ops without gradients now and tells how much
  // tape a frame needs, which sets the segment length.
  const Differentiated probe = differentiate(loss, 1, input_grads(grad_options));
  p.static_loss = probe.static_loss;
  p.tape_bytes_per_frame = probe.tape_bytes_per_frame(options.lanes);
  p.hop_lcm = probe.hop_lcm;
  const OpDef* out_op = &op_def("out");
  const Graph g = build_graph({loss.node()});
  std::vector<NodeRef> outs(g.nodes.size());  // the out() nodes, by graph index
  for (const Node* n : g.nodes) {
    if (n->param) p.params.push_back(n->param);
    for (const NodeRef& in : n->inputs)
      if (in->op == out_op) outs[size_t(g.index.at(in.get()))] = in;
  }
  if (loss.node()->op == out_op) outs[size_t(g.index.at(loss.node().get()))] = loss.node();
  for (const NodeRef& o : outs)
    if (o) p.shown.push_back(o);
  for (const Value& v : outputs) {
    const NodeRef node = v.node()->op == out_op ? v.node() : make("out", {v}, {{0}, {}}).node();
    auto it = std::find(p.shown.begin(), p.shown.end(), node);
    p.extra_shown.push_back(size_t(it - p.shown.begin()));
    if (it == p.shown.end()) p.shown.push_back(node);
  }
  p.rendered.resize(p.shown.size());
  p.backend = resolve_backend(options.backend, options.lanes);
}

GradProgram::~GradProgram() = default;
GradProgram::GradProgram(GradProgram&&) noexcept = default;
GradProgram& GradProgram::operator=(GradProgram&&) noexcept = default;

double GradProgram::run(int64_t frames, const std::vector<InputChannel>& inputs) {
  return impl_->run(frames, inputs, true);
}
double GradProgram::forward(int64_t frames, const std::vector<InputChannel>& inputs) {
  return impl_->run(frames, inputs, false);
}

std::span<const float> GradProgram::output(size_t index) const {
  return impl_->rendered.at(impl_->extra_shown.at(index));
}

std::span<const float> GradProgram::channel(int channel) const {
  for (size_t k = 0; k < impl_->shown.size(); ++k)
    if (impl_->shown[k]->attrs.ints[0] == channel) return impl_->rendered[k];
  throw Error("the loss reads no out() on channel " + std::to_string(channel));
}

std::vector<float> GradProgram::input_grad(int channel) const {
  if (!input_grads(impl_->grad_options).wants(channel))
    throw Error(impl_->grad_options.input_grads
                    ? "the gradient of input channel " + std::to_string(channel) +
                          " was not asked for (GradOptions::input_grad_channels)"
                    : "input gradients were not asked for (GradOptions::input_grads)");
  const Compiled* c = impl_->compiled.get();
  for (size_t k = 0; c && k < impl_->input_adjoints.size(); ++k)
    if (c->d.input_grads[k].channel == channel) return impl_->input_adjoints[k];
  return std::vector<float>(impl_->rendered_frames, 0.0f);
}

std::vector<Param> GradProgram::params() const {
  std::vector<Param> out;
  for (const auto& p : impl_->params) out.emplace_back(p);
  return out;
}

int64_t GradProgram::segment_frames() const { return impl_->segment; }
Backend GradProgram::backend() const { return impl_->backend; }

std::string GradProgram::describe() const {
  const Compiled* c = impl_->compiled.get();
  if (!c) return "not compiled yet (the first run compiles)\n";
  return "forward program:\n" + c->fwd->describe() +
         (c->bwd ? "backward program (reverse time):\n" + c->bwd->describe() : "");
}

double backward(const Value& loss, int64_t frames, const RenderOptions& options,
                const std::vector<InputChannel>& inputs, const GradOptions& grad_options) {
  return GradProgram(loss, options, grad_options).run(frames, inputs);
}

}  // namespace dgen

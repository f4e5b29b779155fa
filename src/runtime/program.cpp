#include "dgen/program.hpp"

#include <algorithm>

#include "dgen/error.hpp"
#include "ir/node.hpp"
#include "ir/op_table.hpp"
#include "runtime/backends.hpp"
#include "runtime/interface_rules.hpp"
#include "runtime/memory_budget.hpp"
#include "runtime/pipeline.hpp"

namespace dgen {

struct Program::Impl {
  RenderOptions options;
  Schedule schedule;
  std::unique_ptr<Executor> executor;
  Backend used = Backend::Interp;
  std::string source;
  std::vector<HostFloats> outputs;  // from the executor, reused while large enough
  bool fresh = true;                // the executor's state is fresh (no run since reset)

  // Refuses a run whose output buffers would not fit (docs/CLI.md, "Memory limit").
  // Checked only when they grow, so streaming in blocks reads no /proc files.
  void check_output_memory(int64_t frames) const {
    const Graph& g = schedule.graph;
    double needed = 0, held = 0;
    for (size_t k = 0; k < outputs.size(); ++k) {
      needed += 4.0 * double(frames) * double(g.nodes[g.output_index[k]]->size()) * options.lanes;
      held += 4.0 * double(outputs[k].capacity());
    }
    if (needed <= held) return;
    check_memory("rendering " + std::to_string(frames) + " frames",
                 {{"state", executor_bytes(schedule, used)}, {"output buffers", needed}});
  }
};

namespace {

std::vector<NodeRef> as_outputs(const std::vector<Value>& values) {
  std::vector<NodeRef> nodes;
  for (const Value& v : values)
    nodes.push_back(v.node()->op->name == "out" ? v.node() : make("out", {v}, {{0}, {}}).node());
  return nodes;
}

}  // namespace

Program::Program(std::vector<Value> outputs, RenderOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (outputs.empty()) throw Error("a program needs at least one output");
  check_sample_rate(options.sample_rate);
  impl_->options = options;
  const std::vector<NodeRef> nodes = as_outputs(outputs);
  check_out_channels(nodes);
  const Backend backend = resolve_backend(options.backend, options.lanes);
  if (options.outputs_on_device && backend != Backend::Cuda)
    throw Error("outputs on the device need the cuda backend (this program runs on " +
                backend_name(backend) + ")");
  pipeline::Trace trace;
  impl_->schedule = pipeline::schedule(nodes, options.lanes, trace, backend);
  impl_->schedule.fast_math = options.fast_math;
  check_param_names(impl_->schedule.graph.nodes);
  impl_->used = backend;
  check_memory("the program", {{"state", executor_bytes(impl_->schedule, backend)}});
  impl_->source = pipeline::lower(impl_->schedule, backend, trace);
  impl_->executor = pipeline::compile(impl_->schedule, backend, impl_->source);
  impl_->outputs.resize(outputs.size());
}

Program::~Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

void Program::run(int64_t frames, const std::vector<InputChannel>& inputs) {
  if (frames < 0) throw Error("frames must be >= 0");
  Impl& p = *impl_;
  if (!p.options.preserve_state && !p.fresh) p.executor->reset();
  p.fresh = false;
  RunIO io;
  io.frames = frames;
  io.sample_rate = p.options.sample_rate;
  for (const InputChannel& in : inputs) {
    if (in.channel < 1) throw Error("input channel must be >= 1");
    if (io.inputs.size() < size_t(in.channel)) io.inputs.resize(size_t(in.channel));
    io.inputs[size_t(in.channel - 1)] = in.samples;
  }
  const Graph& g = p.schedule.graph;
  if (p.options.outputs_on_device) {
    io.outputs.assign(p.outputs.size(), nullptr);
    return p.executor->run(io);
  }
  p.check_output_memory(frames);
  for (size_t k = 0; k < p.outputs.size(); ++k) {
    const auto count = size_t(frames * g.nodes[g.output_index[k]]->size() * p.options.lanes);
    HostFloats& out = p.outputs[k];
    // Zeroed once when allocated, not every run: a run writes every float of its outputs.
    if (out.capacity() < count) {
      out = p.executor->host_floats(count);
      std::fill_n(out.data(), count, 0.0f);
    }
    out.resize(count);
    io.outputs.push_back(out.data());
  }
  p.executor->run(io);
}

void Program::reset() {
  impl_->executor->reset();
  impl_->fresh = true;
}

namespace {

void check_on_host(const RenderOptions& options) {
  if (options.outputs_on_device)
    throw Error(
        "this program leaves its outputs on the GPU (outputs_on_device): read them with "
        "device_output()");
}

}  // namespace

std::span<const float> Program::output(size_t index) const {
  check_on_host(impl_->options);
  return impl_->outputs.at(index).span();
}

uint64_t Program::device_output(size_t index) const {
  if (index >= impl_->outputs.size())
    throw Error("the program has " + std::to_string(impl_->outputs.size()) + " outputs, not " +
                std::to_string(index + 1));
  return impl_->executor->device_output(index);
}
size_t Program::output_count() const { return impl_->outputs.size(); }

std::span<const float> Program::channel(int channel) const {
  check_on_host(impl_->options);
  const Graph& g = impl_->schedule.graph;
  for (size_t k = 0; k < g.output_index.size(); ++k)
    if (g.nodes[g.output_index[k]]->attrs.ints[0] == channel) return impl_->outputs[k].span();
  throw Error("the program has no out() on channel " + std::to_string(channel));
}

void Program::set_param(const std::string& name, float value) {
  for (Param& p : params())
    if (p.name() == name) return p.set(value);
  throw Error("no param named '" + name + "'");
}

std::vector<Param> Program::params() const {
  std::vector<Param> out;
  for (const Node* n : impl_->schedule.graph.nodes)
    if (n->param) out.emplace_back(n->param);
  return out;
}

Backend Program::backend() const { return impl_->used; }
const std::string& Program::source() const { return impl_->source; }
std::string Program::describe() const { return impl_->schedule.describe(); }
const RenderOptions& Program::options() const { return impl_->options; }

}  // namespace dgen

// Gradients for Python: the vector-Jacobian product of a patch's outputs (what a PyTorch
// backward needs) and the CLI's losses against a target (`dgen grad`), both through
// GradProgram with input gradients (include/dgen/grad.hpp).
#include "bindings.hpp"
#include "dgen/grad.hpp"
#include "dgen/ops.hpp"
#include "train/loss_spec.hpp"

namespace dgen::python {
namespace {

GradOptions with_input_grads() {
  GradOptions o;
  o.input_grads = true;
  return o;
}

// The gradients of the patch's own inputs when `wanted` and it reads any; never those of
// the upstream channels (an empty channel list would mean every channel).
GradOptions with_patch_input_grads(const lisp::Patch& patch, bool wanted) {
  GradOptions o;
  if (wanted)
    for (const lisp::PortInfo& port : patch.input_ports)
      o.input_grad_channels.push_back(port.channel);
  o.input_grads = !o.input_grad_channels.empty();
  return o;
}

// The first channel past every input the patch reads: where the upstream gradients go.
int first_free_channel(const lisp::Patch& patch) {
  int channel = 1;
  for (const lisp::PortInfo& port : patch.input_ports)
    channel = std::max(channel, port.channel + 1);
  return channel;
}

// Σ_k out_k[t] · g_k[t], the upstream gradient g_k of output k arriving on a host input:
// its gradient is the vector-Jacobian product of the outputs with g.
Value weighted_outputs(const lisp::Patch& patch) {
  check_scalar_outputs(patch);
  outputs_with_lanes(patch, 1);
  if (patch.outputs.empty()) throw std::invalid_argument("the patch has no outputs");
  const int base = first_free_channel(patch);
  Value sum = patch.outputs[0] * in(base);
  for (size_t k = 1; k < patch.outputs.size(); ++k)
    sum = sum + patch.outputs[k] * in(base + int(k));
  return sum;
}

void zero_grads(const lisp::Patch& patch) {
  for (const lisp::ParamInfo& p : patch.params)
    p.param.data()->grad.assign(p.param.values().size(), 0.0);
}

// (param gradients in declaration order, float64; input gradients [inputs, frames], or
// None where the program computes none).
py::tuple collect(const lisp::Patch& patch, const GradProgram& program, int64_t frames,
                  bool input_grads = true) {
  py::list params;
  for (const lisp::ParamInfo& p : patch.params) {
    const std::vector<double>& g = p.param.grad();
    params.append(py::array_t<double>(py::ssize_t(g.size()), g.data()));
  }
  if (!input_grads) return py::make_tuple(params, py::none());
  py::array_t<float> inputs({py::ssize_t(patch.input_ports.size()), py::ssize_t(frames)});
  for (size_t k = 0; k < patch.input_ports.size(); ++k) {
    const std::vector<float> g = program.input_grad(patch.input_ports[k].channel);
    std::copy(g.begin(), g.end(), inputs.mutable_data() + k * size_t(frames));
  }
  return py::make_tuple(params, inputs);
}

// One voice's vector-Jacobian product, compiled once and run for each voice of a batch
// (host inputs are shared by a program's lanes, and upstream gradients differ per voice).
// With `input_grads` false it differentiates the params alone (a backward whose inputs
// need no gradient): the reverse-time program then carries no adjoint of the inputs.
class VectorJacobian {
 public:
  VectorJacobian(PatchRef patch, double sample_rate, const std::string& backend, bool fast_math,
                 bool input_grads)
      : patch_(std::move(patch)),
        grad_options_(with_patch_input_grads(patch_->patch, input_grads)),
        program_(weighted_outputs(patch_->patch),
                 render_options(sample_rate, 1, backend, fast_math), grad_options_),
        base_(first_free_channel(patch_->patch)) {}

  // `upstream`: [outputs, frames]. Returns (param grads, input grads or None).
  py::tuple run(int64_t frames, const Inputs& inputs, const std::vector<FloatArray>& params,
                const FloatArray& upstream) {
    const lisp::Patch& patch = patch_->patch;
    if (upstream.ndim() != 2 || size_t(upstream.shape(0)) != patch.outputs.size() ||
        upstream.shape(1) != frames)
      throw std::invalid_argument("upstream gradient must have shape [outputs, frames]");
    set_params(patch, params, 1);
    zero_grads(patch);
    std::vector<InputChannel> channels = input_channels(inputs);
    for (size_t k = 0; k < patch.outputs.size(); ++k)
      channels.push_back(
          {base_ + int(k),
           std::span<const float>(upstream.data() + k * size_t(frames), size_t(frames))});
    {
      py::gil_scoped_release released;
      program_.run(frames, channels);
    }
    return collect(patch, program_, frames, grad_options_.input_grads);
  }

 private:
  PatchRef patch_;
  GradOptions grad_options_;
  GradProgram program_;
  int base_;
};

// `dgen grad`: the loss between output `channel` and `target`, and its gradients.
py::tuple loss_grad(PatchRef patch, const std::string& loss, const FloatArray& target,
                    int64_t frames, double sample_rate, int channel, const Inputs& inputs,
                    const std::vector<FloatArray>& params, const std::string& backend,
                    bool fast_math) {
  const lisp::Patch& p = patch->patch;
  size_t k = 0;
  while (k < p.output_ports.size() && p.output_ports[k].channel != channel) ++k;
  if (k == p.output_ports.size())
    throw std::invalid_argument("the patch has no out channel " + std::to_string(channel));
  if (target.ndim() != 1 || target.shape(0) != frames)
    throw std::invalid_argument("target must be a 1-D array of `frames` samples");
  train::LossSpec spec = train::parse_loss_spec(loss);
  spec.sample_rate = sample_rate;
  const train::TargetLoss l = train::loss_against_target(
      spec, p.outputs[k], std::span<const float>(target.data(), size_t(frames)),
      input_channels(inputs));
  set_params(p, params, 1);
  zero_grads(p);
  GradProgram program(l.loss, render_options(sample_rate, 1, backend, fast_math),
                      with_input_grads());
  double value = 0;
  {
    py::gil_scoped_release released;
    value = program.run(frames, l.inputs);
  }
  return py::make_tuple(value, collect(p, program, frames));
}

}  // namespace

void bind_gradients(py::module_& m) {
  py::class_<VectorJacobian>(m, "VectorJacobian")
      .def(py::init<PatchRef, double, const std::string&, bool, bool>(), py::arg("patch"),
           py::arg("sample_rate"), py::arg("backend"), py::arg("fast_math"), py::arg("input_grads"))
      .def("run", &VectorJacobian::run, py::arg("frames"), py::arg("inputs"), py::arg("params"),
           py::arg("upstream"));
  m.def("loss_grad", &loss_grad, py::arg("patch"), py::arg("loss"), py::arg("target"),
        py::arg("frames"), py::arg("sample_rate"), py::arg("channel"), py::arg("inputs"),
        py::arg("params"), py::arg("backend"), py::arg("fast_math"));
}

}  // namespace dgen::python

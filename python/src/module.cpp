// The extension module dgen._dgen: exceptions, and the parts bound in the other files.
#include <algorithm>

#include "bindings.hpp"
#include "runtime/backends.hpp"

namespace dgen::python {

std::vector<InputChannel> input_channels(const Inputs& inputs) {
  std::vector<InputChannel> out;
  for (const auto& [channel, samples] : inputs)
    out.push_back({channel, std::span<const float>(samples.data(), size_t(samples.size()))});
  return out;
}

void set_params(const lisp::Patch& patch, const std::vector<FloatArray>& values, int lanes) {
  if (values.size() != patch.params.size())
    throw std::invalid_argument("expected " + std::to_string(patch.params.size()) +
                                " param values, got " + std::to_string(values.size()));
  for (size_t k = 0; k < values.size(); ++k) {
    Param param = patch.params[k].param;
    const float* begin = values[k].data();
    const float* end = begin + values[k].size();
    // Scalars are always per lane, so a program never sees the layout change.
    const bool per_lane = param.data()->shape.empty();
    const std::vector<float>& now = param.values();
    if (param.data()->per_lane == per_lane && std::equal(begin, end, now.begin(), now.end()))
      continue;  // unchanged since the last run: most params of most calls
    std::vector<float> v(begin, end);
    if (per_lane) {
      if (v.size() != size_t(lanes))
        throw std::invalid_argument("param '" + param.name() + "': expected " +
                                    std::to_string(lanes) + " lane values");
      param.set_per_lane(std::move(v));
    } else {
      param.set(std::move(v));
    }
  }
}

const std::vector<Value>& outputs_with_lanes(const lisp::Patch& patch, int lanes) {
  for (const lisp::ParamInfo& info : patch.params)
    if (info.param.data()->shape.empty())
      Param(info.param)
          .set_per_lane(std::vector<float>(size_t(std::max(lanes, 1)), info.default_value));
  return patch.outputs;
}

void check_scalar_outputs(const lisp::Patch& patch) {
  for (size_t k = 0; k < patch.outputs.size(); ++k)
    if (!patch.outputs[k].shape().empty())
      throw std::invalid_argument("out channel " + std::to_string(patch.output_ports[k].channel) +
                                  " has shape " + to_string(patch.outputs[k].shape()) +
                                  "; only scalar signals can be rendered to arrays");
}

Backend parse_backend(const std::string& name) {
  if (const std::optional<Backend> b = backend_named(name)) return *b;
  std::string choices;
  for (const std::string& c : backend_choices())
    choices += (choices.empty() ? "'" : ", '") + c + "'";
  throw std::invalid_argument("backend must be one of " + choices + ", got '" + name + "'");
}

RenderOptions render_options(double sample_rate, int lanes, const std::string& backend,
                             bool fast_math) {
  RenderOptions o;
  o.sample_rate = sample_rate;
  o.lanes = lanes;
  o.backend = parse_backend(backend);
  o.fast_math = fast_math;
  return o;
}

}  // namespace dgen::python

PYBIND11_MODULE(_dgen, m) {
  namespace py = pybind11;
  using namespace dgen::python;
  m.doc() = "dgen's compiled core; use the package dgen (docs/PYTHON.md)";
  static py::exception<dgen::Error> error(m, "Error", PyExc_RuntimeError);
  static py::exception<dgen::lisp::PatchError> patch_error(m, "PatchError", error.ptr());
  // A patch error carries its position as attributes as well as in its message.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const dgen::lisp::PatchError& e) {
      py::object instance = py::reinterpret_borrow<py::object>(patch_error.ptr())(e.what());
      instance.attr("file") = e.file;
      instance.attr("line") = e.line;
      instance.attr("col") = e.col;
      PyErr_SetObject(patch_error.ptr(), instance.ptr());
    } catch (const dgen::Error& e) {
      error(e.what());
    }
  });
  m.def("backend_choices", &dgen::backend_choices,
        "The backends' names, as --backend takes them: 'auto' then each backend's");
  bind_patch(m);
  bind_renderer(m);
  bind_gradients(m);
}

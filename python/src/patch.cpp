// dgen._dgen.Patch: a loaded patch and what it declares (params, input and output ports).
#include "bindings.hpp"

namespace dgen::python {
namespace {

py::object optional_float(const std::optional<float>& v) {
  return v ? py::object(py::float_(*v)) : py::object(py::none());
}

py::dict describe_param(const lisp::ParamInfo& info) {
  const ParamData& p = *info.param.data();
  py::dict d;
  d["name"] = p.name;
  d["default"] = info.default_value;
  d["min"] = optional_float(p.min);
  d["max"] = optional_float(p.max);
  d["unit"] = p.unit;
  d["shape"] = py::tuple(py::cast(p.shape));
  // A tensor param's default is its initial values (default_value is the first).
  d["defaults"] = FloatArray(py::ssize_t(p.value.size()), p.value.data());
  d["group"] = p.group;
  d["modulates"] = info.modulates;
  return d;
}

py::list describe_ports(const std::vector<lisp::PortInfo>& ports) {
  py::list out;
  for (const lisp::PortInfo& port : ports) out.append(py::make_tuple(port.channel, port.name));
  return out;
}

}  // namespace

void bind_patch(py::module_& m) {
  py::class_<LoadedPatch, std::shared_ptr<LoadedPatch>>(m, "Patch")
      .def_property_readonly("file", [](const LoadedPatch& p) { return p.patch.file; })
      .def_property_readonly("params",
                             [](const LoadedPatch& p) {
                               py::list out;
                               for (const auto& info : p.patch.params)
                                 out.append(describe_param(info));
                               return out;
                             })
      .def_property_readonly(
          "inputs", [](const LoadedPatch& p) { return describe_ports(p.patch.input_ports); })
      .def_property_readonly(
          "outputs", [](const LoadedPatch& p) { return describe_ports(p.patch.output_ports); })
      .def_property_readonly("output_shapes", [](const LoadedPatch& p) {
        py::list out;
        for (const Value& v : p.patch.outputs) out.append(py::tuple(py::cast(v.shape())));
        return out;
      });
  m.def(
      "load_file",
      [](const std::string& path) {
        return std::make_shared<LoadedPatch>(LoadedPatch{lisp::load_patch_file(path)});
      },
      py::arg("path"));
  m.def(
      "load_source",
      [](const std::string& text, const std::string& name) {
        return std::make_shared<LoadedPatch>(LoadedPatch{lisp::load_patch(text, name)});
      },
      py::arg("text"), py::arg("name"));
}

}  // namespace dgen::python

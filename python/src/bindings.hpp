// What the parts of the extension dgen._dgen share (docs/PYTHON.md). The extension is
// thin: it loads patches, sets param values, runs compiled programs and copies arrays;
// the Python modules under python/dgen/ check shapes and names and give the API its form.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <utility>
#include <vector>

#include "dgen/patch.hpp"

namespace dgen::python {

namespace py = pybind11;
using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

// A loaded patch. Every compiled object made from it holds it and shares its params
// (one graph), so each run sets every param's value first.
struct LoadedPatch {
  lisp::Patch patch;
};
using PatchRef = std::shared_ptr<const LoadedPatch>;

// Host inputs of one run: (channel, frames float32 samples) shared by every lane.
using Inputs = std::vector<std::pair<int, FloatArray>>;
std::vector<InputChannel> input_channels(const Inputs& inputs);

// Sets every param of the patch, in declaration order: a scalar param gets one value per
// lane (`lanes` values), a tensor param its numel values.
void set_params(const lisp::Patch& patch, const std::vector<FloatArray>& values, int lanes);

// Sets every scalar param to its default in each of `lanes` lanes and returns the
// patch's outputs: a program checks its params' values when it is made.
const std::vector<Value>& outputs_with_lanes(const lisp::Patch& patch, int lanes);

// Throws ValueError naming the first out() that is not a scalar signal.
void check_scalar_outputs(const lisp::Patch& patch);

// A backend by the name --backend gives it (runtime/backends.hpp); ValueError otherwise.
Backend parse_backend(const std::string& name);

// The options of a program for Python: a rate, lanes, a backend by name and whether its
// CUDA code uses fast math (RenderOptions::fast_math).
RenderOptions render_options(double sample_rate, int lanes, const std::string& backend,
                             bool fast_math);

void bind_patch(py::module_& m);
void bind_renderer(py::module_& m);
void bind_gradients(py::module_& m);

}  // namespace dgen::python

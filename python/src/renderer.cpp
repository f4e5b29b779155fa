// dgen._dgen.Renderer: a patch compiled for a sample rate, a lane count and a backend,
// run many times with new param values and inputs without recompiling.
#include <chrono>
#include <cstring>

#include "bindings.hpp"
#include "dgen/program.hpp"
#include "runtime/backends.hpp"

namespace dgen::python {
namespace {

class Renderer {
 public:
  Renderer(PatchRef patch, double sample_rate, int lanes, const std::string& backend,
           bool fast_math)
      : patch_(std::move(patch)),
        program_(outputs_with_lanes(patch_->patch, lanes),
                 render_options(sample_rate, lanes, backend, fast_math)),
        lanes_(lanes) {
    check_scalar_outputs(patch_->patch);
  }

  // [lanes, outputs, frames] float32: a view of memory laid out [outputs][frames][lanes]
  // like the program's own buffers, so the copy out of them is one memcpy per output (a
  // transposing copy cost several times more at 8 lanes; docs/PERFORMANCE.md, "Python").
  py::array run(int64_t frames, const Inputs& inputs, const std::vector<FloatArray>& params) {
    if (frames < 0) throw std::invalid_argument("frames must be >= 0");
    set_params(patch_->patch, params, lanes_);
    const std::vector<InputChannel> channels = input_channels(inputs);
    const size_t n = program_.output_count();
    py::array_t<float> out({py::ssize_t(n), py::ssize_t(frames), py::ssize_t(lanes_)});
    float* dst = out.mutable_data();
    {
      py::gil_scoped_release released;
      const auto start = std::chrono::steady_clock::now();
      program_.run(frames, channels);
      last_run_seconds_ =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const size_t size = size_t(frames) * size_t(lanes_);
      for (size_t k = 0; k < n; ++k)
        std::memcpy(dst + k * size, program_.output(k).data(), size * sizeof(float));
    }
    return out.attr("transpose")(2, 0, 1);
  }

  std::string backend() const { return backend_name(program_.backend()); }
  int lanes() const { return lanes_; }
  // How long the last Program::run took: the C++ API's share of a render, which
  // bench/python_overhead.py compares with the whole call.
  double last_run_seconds() const { return last_run_seconds_; }

 private:
  PatchRef patch_;
  Program program_;
  int lanes_;
  double last_run_seconds_ = 0;
};

}  // namespace

void bind_renderer(py::module_& m) {
  py::class_<Renderer>(m, "Renderer")
      .def(py::init<PatchRef, double, int, const std::string&, bool>(), py::arg("patch"),
           py::arg("sample_rate"), py::arg("lanes"), py::arg("backend"), py::arg("fast_math"))
      .def("run", &Renderer::run, py::arg("frames"), py::arg("inputs"), py::arg("params"))
      .def_property_readonly("backend", &Renderer::backend)
      .def_property_readonly("lanes", &Renderer::lanes)
      .def_property_readonly("last_run_seconds", &Renderer::last_run_seconds);
}

}  // namespace dgen::python

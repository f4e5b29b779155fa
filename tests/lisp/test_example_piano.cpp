// examples/piano.lisp does what its header says: partials where a stiff string puts them,
// f_k = k f0 sqrt(1 + B k^2); partial k decaying with time constant decay / k^decay-tilt;
// and a loss gradient, as `dgen train` uses it, that agrees with finite differences.
#include <cmath>
#include <complex>
#include <numbers>

#include "dgen/grad.hpp"
#include "lisp_support.hpp"
#include "train/loss_spec.hpp"

namespace dgen::lisp {
namespace {

constexpr double kRate = 44100;

struct Piano {
  Patch patch = load_patch_file(std::string(DGEN_SOURCE_DIR) + "/examples/piano.lisp");

  Param param(const std::string& name) const {
    for (const ParamInfo& info : patch.params)
      if (info.param.name() == name) return info.param;
    throw std::runtime_error("piano.lisp has no param " + name);
  }
  Piano& set(const std::string& name, double value) {
    param(name).set(float(value));
    return *this;
  }
  std::vector<float> render(int64_t frames, Backend backend = Backend::Interp) const {
    return test::render_patch(patch, frames, backend)[0];
  }
};

// |Σ x[t] w[t] e^{-iωt}| over frames [first, first + n) with a Hann window w: the
// magnitude of one windowed-DFT bin, at any frequency (not only multiples of rate / n).
double hann_magnitude(const std::vector<float>& x, int64_t first, int64_t n, double hz) {
  std::complex<double> s = 0;
  for (int64_t t = 0; t < n; ++t) {
    const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * double(t) / double(n));
    s += double(x[size_t(first + t)]) * w *
         std::polar(1.0, -2 * std::numbers::pi * hz * double(first + t) / kRate);
  }
  return std::abs(s);
}

// A stiff string's partials (docs/TRAINING.md, "Fitting recordings"): the strongest
// frequency between the harmonic k f0 and past the stretched f_k is f_k, within a bin.
TEST(ExamplePiano, PartialsSitWhereAStiffStringPutsThem) {
  const double f0 = 200, b = 0.001;
  Piano piano;
  piano.set("freq", f0).set("inharmonicity", b).set("hammer-level", 0);
  piano.set("decay", 20).set("decay-tilt", 0).set("rolloff", 0);  // steady, equal partials
  const int64_t n = 16384;
  const std::vector<float> x = piano.render(n);
  const double bin = kRate / double(n);
  for (int k = 1; k <= 12; ++k) {
    const double stretched = k * f0 * std::sqrt(1 + b * k * k);
    double best = 0, at = 0;
    for (double hz = k * f0 - 3 * bin; hz <= stretched + 3 * bin; hz += 0.1 * bin) {
      const double m = hann_magnitude(x, 0, n, hz);
      if (m > best) best = m, at = hz;
    }
    EXPECT_NEAR(at, stretched, bin) << "partial " << k << " (harmonic at " << k * f0 << ")";
  }
}

// Partial k's amplitude falls by exp(-Δt k^tilt / decay) between two windows Δt apart: the
// ratio of its windowed magnitudes (an exponential factors out of the window's sum).
TEST(ExamplePiano, HigherPartialsDecayFasterByTheirTimeConstants) {
  const double f0 = 220, decay = 0.8, tilt = 1.2;
  Piano piano;
  piano.set("freq", f0).set("inharmonicity", 0.0001).set("hammer-level", 0);
  piano.set("decay", decay).set("decay-tilt", tilt);
  const int64_t n = 4096, early = 441, late = early + 8820;  // after the 2 ms attack; 0.2 s on
  const std::vector<float> x = piano.render(late + n);
  const double dt = double(late - early) / kRate;
  double previous = 1;
  for (int k : {1, 2, 4, 8}) {
    const double hz = k * f0 * std::sqrt(1 + 0.0001 * k * k);
    const double ratio = hann_magnitude(x, late, n, hz) / hann_magnitude(x, early, n, hz);
    const double want = std::exp(-dt * std::pow(k, tilt) / decay);
    EXPECT_NEAR(ratio, want, 0.02 * want) << "partial " << k;
    EXPECT_LT(ratio, previous) << "partial " << k << " decays no faster than the one below";
    previous = ratio;
  }
}

// d loss / d param for the spectral loss `dgen train --loss spectral:2048` minimises
// against a target rendered at other values, against central differences of the loss.
// The envelope and tone params: the loss is smooth in them at a 0.1 % step. (In a pitch
// or B it wiggles at that scale, and the hammer's params move it so little that float32
// rounding shows: measured, their differences wander by 5-200 % as the step changes.)
TEST(ExamplePiano, LossGradientMatchesFiniteDifferences) {
  const int64_t frames = 8192;
  Piano piano;
  piano.set("decay", 0.7).set("inharmonicity", 0.0006).set("rolloff", 1.4);
  const std::vector<float> target = piano.render(frames, Backend::C);
  for (ParamInfo& info : piano.patch.params) info.param.set(info.default_value);
  const train::TargetLoss loss = train::loss_against_target(train::parse_loss_spec("spectral:2048"),
                                                            piano.patch.outputs.at(0), target, {});
  RenderOptions options;
  options.backend = Backend::C;
  GradProgram program(loss.loss, options);
  for (const char* name : {"decay", "decay-tilt", "rolloff"}) {
    SCOPED_TRACE(name);
    Param p = piano.param(name);
    const float at = p.value();
    p.zero_grad();
    program.run(frames, loss.inputs);
    const double grad = p.grad().at(0);
    const float h = 1e-3f * at;
    p.set(at + h);
    const double up = program.forward(frames, loss.inputs);
    p.set(at - h);
    const double down = program.forward(frames, loss.inputs);
    p.set(at);
    const double fd = (up - down) / (double(at + h) - double(at - h));
    EXPECT_NE(grad, 0.0);
    EXPECT_NEAR(grad, fd, 0.01 * std::fabs(fd));
  }
}

}  // namespace
}  // namespace dgen::lisp

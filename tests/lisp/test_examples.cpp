// Golden renders of examples/*.lisp: every example loads, renders on the interpreter
// without a non-finite value and with some sound, and the C backend agrees with it.
#include <cmath>

#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

constexpr int64_t kFrames = 2000;

std::vector<std::string> example_paths() { return test::lisp_files_in("examples"); }

// Input channel 1 for the effects: drum-like hits (decaying noise bursts every 500
// frames). The subtractive voice reads it as a gate: on for the first 1200 frames.
std::vector<float> input_for(const std::string& path) {
  std::vector<float> x(kFrames);
  if (path.ends_with("subtractive.lisp")) {
    for (int64_t t = 0; t < kFrames; ++t) x[size_t(t)] = t < 1200 ? 1.0f : 0.0f;
    return x;
  }
  uint32_t s = 12345;
  for (int64_t t = 0; t < kFrames; ++t) {
    s ^= s << 13, s ^= s >> 17, s ^= s << 5;
    const double noise = 2.0 * s / 4294967296.0 - 1.0;
    x[size_t(t)] = float(0.8 * noise * std::exp(-double(t % 500) / 60.0));
  }
  return x;
}

TEST(LispExamples, ThereAreExamples) { EXPECT_GE(example_paths().size(), 12u); }

TEST(LispExamples, EveryExampleRendersFiniteAndAudible) {
  for (const std::string& path : example_paths()) {
    SCOPED_TRACE(path);
    const Patch patch = load_patch_file(path);
    const std::vector<float> input = input_for(path);
    const auto outputs = test::render_patch(patch, kFrames, Backend::Interp, {{1, input}});
    ASSERT_EQ(outputs.size(), patch.output_ports.size());
    for (const std::vector<float>& channel : outputs) {
      double energy = 0, peak = 0;
      for (float v : channel) {
        ASSERT_TRUE(std::isfinite(v));
        energy += double(v) * v;
        peak = std::max(peak, double(std::fabs(v)));
      }
      EXPECT_GT(energy, 1e-6) << "silent";
      EXPECT_LE(peak, 4.0) << "far too loud";
    }
  }
}

TEST(LispExamples, CBackendAgreesWithInterpreter) {
  for (const std::string& path : example_paths()) {
    SCOPED_TRACE(path);
    const Patch patch = load_patch_file(path);
    const std::vector<float> input = input_for(path);
    const auto ref = test::render_patch(patch, kFrames, Backend::Interp, {{1, input}});
    const auto got = test::render_patch(patch, kFrames, Backend::C, {{1, input}});
    // The membrane is a lightly damped 2-D wave equation: float32 rounding in the C
    // code (the interpreter runs in double) grows a little with every round trip.
    const double tolerance = path.ends_with("membrane.lisp") ? 1e-3 : 1e-5;
    for (size_t i = 0; i < ref.size(); ++i)
      dgen::test::expect_close_to_reference(got[i], ref[i], tolerance);
  }
}

}  // namespace
}  // namespace dgen::lisp

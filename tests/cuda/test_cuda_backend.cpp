// The cuda backend on a GPU against the reference interpreter (skipped without one): every
// op case at 1, 7 and 256 lanes, the example patches, streaming in blocks, gradients. The
// backend-parameterised suites (test_differential, test_random_graphs, test_streaming,
// test_grad_program) run on CUDA too wherever a GPU is present.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <span>
#include <tuple>

#include "backend/cuda/cuda_api.hpp"
#include "core/op_cases.hpp"
#include "dgen/grad.hpp"
#include "lisp/lisp_support.hpp"
#include "runtime/backends.hpp"

namespace dgen {
namespace {

#define SKIP_WITHOUT_GPU()                                                    \
  do {                                                                        \
    const BackendStatus status = backend_status(Backend::Cuda);               \
    if (!status.available) GTEST_SKIP() << "no CUDA here: " << status.reason; \
  } while (0)

class CudaLanes : public ::testing::TestWithParam<int> {};

TEST_P(CudaLanes, EveryOpCaseAgreesWithInterpreter) {
  SKIP_WITHOUT_GPU();
  const int lanes = GetParam();
  const std::vector<float> x = test::case_input();
  const std::vector<InputChannel> inputs = {{1, x}, {3, x}};
  for (const test::OpCase& c : test::forward_cases()) {
    // A case of its own lane count (per-lane params) runs at it in test_differential.
    if (c.lanes != 1) continue;
    SCOPED_TRACE(c.name);
    const std::vector<Value> values = c.build();
    const auto ref = test::render(values, test::kCaseFrames, Backend::Interp, lanes, 44100, inputs);
    const auto got = test::render(values, test::kCaseFrames, Backend::Cuda, lanes, 44100, inputs);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t k = 0; k < ref.size(); ++k)
      test::expect_close_to_reference(got[k], ref[k], test::tolerance(c.rel, Backend::Cuda, 1e-4));
  }
}

INSTANTIATE_TEST_SUITE_P(Lanes, CudaLanes, ::testing::Values(1, 7, 256));

// A program's outputs on the host are page-locked memory, which the driver knows as its
// own and copies into at the link's speed (docs/PERFORMANCE.md, "CUDA: outputs copied into
// page-locked memory"); heap memory it does not know.
TEST(CudaBackend, ProgramOutputsArePageLocked) {
  SKIP_WITHOUT_GPU();
  RenderOptions o;
  o.backend = Backend::Cuda;
  o.lanes = 4;
  Program p({sin(2.0 * std::numbers::pi * phasor(440.0))}, o);
  p.run(4800);
  unsigned flags = 0;
  EXPECT_EQ(cuda::driver().cuMemHostGetFlags(&flags, const_cast<float*>(p.output(0).data())),
            CUDA_SUCCESS);
  std::vector<float> heap(16);
  EXPECT_NE(cuda::driver().cuMemHostGetFlags(&flags, heap.data()), CUDA_SUCCESS);
}

TEST(CudaBackend, ExamplePatchesAgreeWithInterpreter) {
  SKIP_WITHOUT_GPU();
  std::vector<float> gate(2000, 0.0f);
  for (size_t t = 0; t < 1200; ++t) gate[t] = 1.0f;
  for (const std::string& path : lisp::test::lisp_files_in("examples")) {
    SCOPED_TRACE(path);
    const lisp::Patch patch = lisp::load_patch_file(path);
    const auto ref = lisp::test::render_patch(patch, 2000, Backend::Interp, {{1, gate}});
    const auto got = lisp::test::render_patch(patch, 2000, Backend::Cuda, {{1, gate}});
    // The membrane's 2-D grid sums many float terms per frame. The phase vocoder wraps
    // phases near ±π and amplifies last-bit differences after its first window: the same
    // CUDA source run on the CPU (CudaOnCpu.ExamplePatchesMatchC) is bit-identical to the C
    // backend for 256 frames, then drifts to 0.0025 by frame 1671 and 0.0064 by 1929, as
    // CUDA's own sinf/atan2f do on the GPU (0.0025 at frame 1664).
    const double tolerance = path.ends_with("pitch-shift.lisp") ? 1e-2
                             : path.ends_with("membrane.lisp")  ? 1e-3
                                                                : 1e-4;
    for (size_t i = 0; i < ref.size(); ++i)
      test::expect_close_to_reference(got[i], ref[i], tolerance);
  }
}

TEST(CudaBackend, GradientOfABiquadAtSevenLanesMatchesInterpreter) {
  SKIP_WITHOUT_GPU();
  auto grad_of = [](Backend backend) {
    Param a("a", 0.5);
    const Value y = biquad(noise() * 0.5, Value(a) * 2000.0 + 500.0, 0.7, 0.0, 0);
    RenderOptions o;
    o.backend = backend;
    o.lanes = 7;
    GradProgram program(mse(y, Value(0.1)), o);
    const double loss = program.run(1000);
    return std::make_pair(loss, program.params()[0].grad());
  };
  const auto ref = grad_of(Backend::Interp);
  const auto got = grad_of(Backend::Cuda);
  EXPECT_NEAR(got.first, ref.first, 1e-4 * (1 + std::abs(ref.first)));
  ASSERT_EQ(got.second.size(), ref.second.size());
  for (size_t k = 0; k < ref.second.size(); ++k)
    EXPECT_NEAR(got.second[k], ref.second[k], 1e-3 * (1 + std::abs(ref.second[k])));
}

// The time-varying biquad (per-lane cutoff, the input and the sweep shared by the lanes)
// at 8192 lanes, forward and gradient, on the GPU and on the C backend: its recurrences
// run as scans at every lane count, and what every lane shares lives in lane 0
// (docs/ARCHITECTURE.md, "Lanes innermost").
// A biquad whose cutoff a 3 Hz sine sweeps, in 8192 lanes of cutoffs from 500 to 4500 Hz
// over 4096 frames: its output, its squared level as a loss, and the loss's gradient to
// every lane's cutoff.
std::tuple<std::vector<float>, double, std::vector<double>> modulated_biquad(
    Backend backend, bool fast_math = false) {
  constexpr int kLanes = 8192;
  constexpr int64_t kFrames = 4096;
  std::vector<float> cutoffs(kLanes), x(kFrames);
  for (int l = 0; l < kLanes; ++l) cutoffs[size_t(l)] = 500.0f + 4000.0f * float(l) / kLanes;
  for (int64_t i = 0; i < kFrames; ++i) x[size_t(i)] = float(std::sin(0.37 * double(i)) * 0.5);
  const std::vector<InputChannel> inputs = {{1, x}};
  Param cutoff("cutoff", 1000.0f);
  cutoff.set_per_lane(cutoffs);
  const Value sweep = cutoff * (1.0 + 0.5 * sin(6.283185307179586 * phasor(3.0)));
  const Value y = biquad(in(1), sweep, 1.2, 1.0, 0);
  RenderOptions o;
  o.backend = backend;
  o.lanes = kLanes;
  o.fast_math = fast_math;
  Program forward({y}, o);
  forward.run(kFrames, inputs);
  const std::span<const float> out = forward.output(0);
  GradProgram grad(mse(y, Value(0.0)), o);
  const double loss = grad.run(kFrames, inputs);
  return std::make_tuple(std::vector<float>(out.begin(), out.end()), loss, grad.params()[0].grad());
}

TEST(CudaBackend, ModulatedBiquadAtManyLanesMatchesC) {
  SKIP_WITHOUT_GPU();
  const auto [ref_out, ref_loss, ref_grad] = modulated_biquad(Backend::C);
  const auto [got_out, got_loss, got_grad] = modulated_biquad(Backend::Cuda);
  test::expect_close_to_reference(got_out, ref_out, 1e-4);
  EXPECT_NEAR(got_loss, ref_loss, 1e-4 * (1 + std::abs(ref_loss)));
  ASSERT_EQ(got_grad.size(), ref_grad.size());
  for (size_t k = 0; k < ref_grad.size(); k += 97)
    EXPECT_NEAR(got_grad[k], ref_grad[k], 1e-3 * (1 + std::abs(ref_grad[k]))) << "lane " << k;
}

// With fast math the GPU's approximate sines and divisions move the output and the
// gradient off C's, within 1e-3, and the program is another than the precise one.
TEST(CudaBackend, FastMathStaysNearCAndDiffersFromPreciseMath) {
  SKIP_WITHOUT_GPU();
  const auto [ref_out, ref_loss, ref_grad] = modulated_biquad(Backend::C);
  const auto [precise_out, precise_loss, precise_grad] = modulated_biquad(Backend::Cuda);
  const auto [fast_out, fast_loss, fast_grad] = modulated_biquad(Backend::Cuda, true);
  test::expect_close_to_reference(fast_out, ref_out, 1e-3);
  EXPECT_NEAR(fast_loss, ref_loss, 1e-3 * (1 + std::abs(ref_loss)));
  ASSERT_EQ(fast_grad.size(), ref_grad.size());
  for (size_t k = 0; k < ref_grad.size(); k += 97)
    EXPECT_NEAR(fast_grad[k], ref_grad[k], 1e-2 * (1 + std::abs(ref_grad[k]))) << "lane " << k;
  EXPECT_NE(fast_out, precise_out);
}

// The STFT loss of the GPU benchmark (sizes 2048 ... 64, 64 lanes × 65536 frames), its
// gradient to a per-lane gain and to the input, on the GPU and on the C backend: the
// windows of 2048 and 1024 points run in CTAs of 8 lanes whose FFTs take more shared
// memory than a kernel gets without asking (CtaShape::most_shared_bytes).
TEST(CudaBackend, SpectralLossOfLongWindowsAtManyLanesMatchesC) {
  SKIP_WITHOUT_GPU();
  constexpr int kLanes = 64;
  constexpr int64_t kFrames = 65536;
  // Noise: every bin well above the loss's floor (a bin near it magnifies the float32
  // rounding of the transforms, which differs between the backends, into its gradient).
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  std::vector<float> a(kFrames), b(kFrames), gains(kLanes);
  for (int64_t i = 0; i < kFrames; ++i) a[size_t(i)] = normal(rng), b[size_t(i)] = normal(rng);
  for (int l = 0; l < kLanes; ++l) gains[size_t(l)] = 0.5f + 0.5f * float(l) / kLanes;
  const std::vector<InputChannel> inputs = {{1, a}, {2, b}};
  auto run_on = [&](Backend backend) {
    Param gain("gain", 1.0f);
    gain.set_per_lane(gains);
    MrstftOptions m;
    m.frames = kFrames;
    RenderOptions o;
    o.backend = backend;
    o.lanes = kLanes;
    GradProgram grad(mrstft_loss(in(1) * gain, in(2), m), o, {.input_grads = true});
    const double loss = grad.run(kFrames, inputs);
    return std::make_tuple(loss, grad.params()[0].grad(), grad.input_grad(1));
  };
  const auto [ref_loss, ref_gain, ref_input] = run_on(Backend::C);
  const auto [got_loss, got_gain, got_input] = run_on(Backend::Cuda);
  EXPECT_NEAR(got_loss, ref_loss, 1e-4 * (1 + std::abs(ref_loss)));
  ASSERT_EQ(got_gain.size(), ref_gain.size());
  for (size_t l = 0; l < ref_gain.size(); ++l)
    EXPECT_NEAR(got_gain[l], ref_gain[l], 1e-3 * (1 + std::abs(ref_gain[l]))) << "lane " << l;
  ASSERT_EQ(got_input.size(), ref_input.size());
  double diff = 0, norm = 0;
  for (size_t i = 0; i < ref_input.size(); ++i)
    diff += std::pow(double(got_input[i]) - ref_input[i], 2), norm += std::pow(ref_input[i], 2);
  EXPECT_LT(std::sqrt(diff / norm), 1e-3);
}

// The subtractive voice of examples/ at 256 lanes × 1 s, on the GPU and on the C backend:
// the same samples (within float rounding), and both times printed for the gpu-check
// summary (not asserted: timing is not a test).
TEST(CudaBackend, SubtractiveVoiceAt256LanesMatchesCAndIsTimed) {
  SKIP_WITHOUT_GPU();
  const lisp::Patch patch =
      lisp::load_patch_file(std::string(DGEN_SOURCE_DIR) + "/examples/subtractive.lisp");
  constexpr int64_t kFrames = 48000;
  constexpr int kVoices = 256;
  const std::vector<float> gate(kFrames, 1.0f);
  auto timed = [&](Backend backend, double* ms) {
    RenderOptions o;
    o.backend = backend;
    o.lanes = kVoices;
    o.sample_rate = 48000;
    Program program(patch.outputs, o);
    program.run(kFrames, {{1, gate}});  // the first run loads the code and warms up
    const auto start = std::chrono::steady_clock::now();
    program.run(kFrames, {{1, gate}});
    *ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return std::vector<float>(program.output(0).begin(), program.output(0).end());
  };
  double cuda_ms = 0, c_ms = 0;
  const std::vector<float> got = timed(Backend::Cuda, &cuda_ms);
  const std::vector<float> ref = timed(Backend::C, &c_ms);
  test::expect_close_to_reference(got, ref, 1e-3);
  std::printf("[  TIMING  ] subtractive voice, %d lanes x %lld frames: cuda %.1f ms, c %.1f ms\n",
              kVoices, (long long)kFrames, cuda_ms, c_ms);
}

}  // namespace
}  // namespace dgen

// The CUDA printer without a GPU (docs/ARCHITECTURE.md, "The pipeline"): the forward
// program of every op case, the forward and backward programs of every gradient case and
// of every example patch compile with NVRTC for sm_90; the source is the lowering's loop
// IR with lanes as threads.
#include <gtest/gtest.h>

#include "backend/cuda/nvrtc_compile.hpp"
#include "backend/cuda/render_cuda.hpp"
#include "core/op_cases.hpp"
#include "cuda/cuda_programs.hpp"
#include "lisp/lisp_support.hpp"

namespace dgen {
namespace {

constexpr int kLanes = 7;

// Compiles a schedule's CUDA for sm_90; a failure names the program and shows NVRTC's log.
void expect_compiles(const Schedule& s, const std::string& what) {
  const std::string source = render_cuda(s);
  try {
    const auto cubin = cuda::compile_cubin(source, "sm_90");
    EXPECT_FALSE(cubin->empty()) << what;
  } catch (const Error& e) {
    ADD_FAILURE() << what << ": " << e.what() << "\n" << source;
  }
}

bool have_nvrtc() {
  try {
    cuda::nvrtc_version();
    return true;
  } catch (const Error&) {
    return false;
  }
}

TEST(RenderCuda, LanesAreThreadsAndTheFrameCounterMovesOnce) {
  const std::vector<Value> values = {sin(phasor(Value(440.0)) * 6.283185307179586)};
  const std::string source = render_cuda(test::forward_schedule(values, 256));
  EXPECT_NE(source.find("extern \"C\" __global__ void dgen_run("), std::string::npos) << source;
  EXPECT_NE(source.find("const int l = blockIdx.x * blockDim.x + threadIdx.x;"), std::string::npos);
  EXPECT_NE(source.find("extern \"C\" __global__ void dgen_finish("), std::string::npos);
  EXPECT_NE(source.find("+= frames;"), std::string::npos);
  // No loop over lanes, and no per-lane arrays: each thread is one lane.
  EXPECT_EQ(source.find("for (int l = 0"), std::string::npos) << source;
  EXPECT_EQ(source.find("[L]"), std::string::npos) << source;
}

TEST(RenderCuda, EveryOpCaseCompilesWithNvrtc) {
  if (!have_nvrtc()) GTEST_SKIP() << "NVRTC not found";
  for (const test::OpCase& c : test::forward_cases())
    expect_compiles(test::forward_schedule(c.build(), kLanes), c.name);
}

TEST(RenderCuda, EveryGradientCaseCompilesWithNvrtc) {
  if (!have_nvrtc()) GTEST_SKIP() << "NVRTC not found";
  for (const test::GradCase& c : test::gradient_cases()) {
    const auto programs = test::gradient_schedules(c.loss(), kLanes, 512);
    for (const Schedule& s : programs->schedules)
      expect_compiles(s, c.name + (s.reverse ? " (backward)" : " (forward)"));
  }
}

TEST(RenderCuda, EveryExamplePatchCompilesForwardAndBackward) {
  if (!have_nvrtc()) GTEST_SKIP() << "NVRTC not found";
  for (const std::string& path : lisp::test::lisp_files_in("examples")) {
    const lisp::Patch patch = lisp::load_patch_file(path);
    expect_compiles(test::forward_schedule(patch.outputs, kLanes), path);
    // A loss that reads every output: the mean square of channel 1 against silence.
    const Value loss = mse(Value(patch.outputs[0].node()->inputs[0]), Value(0.0));
    std::unique_ptr<test::GradientSchedules> programs;
    try {
      programs = test::gradient_schedules(loss, kLanes, 512);
    } catch (const Error& e) {
      // A patch through an op without a gradient (the looper's poke) has no backward
      // program: asking for one is a clear error naming the op (docs/LANGUAGE.md).
      EXPECT_NE(std::string(e.what()).find("no gradient for op"), std::string::npos) << path;
      continue;
    }
    for (const Schedule& s : programs->schedules)
      expect_compiles(s, path + (s.reverse ? " (backward)" : " (forward)"));
  }
}

}  // namespace
}  // namespace dgen

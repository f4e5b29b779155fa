// The backend registry (src/runtime/backends.hpp): names, what `auto` picks, and the one
// line a backend that cannot run here gives (docs/CLI.md, "Backends").
#include <gtest/gtest.h>

#include "core/env_var.hpp"
#include "dgen/dgen.hpp"
#include "runtime/backends.hpp"
#include "runtime/pipeline.hpp"
#include "schedule/memory_plan.hpp"

namespace dgen {
namespace {

// The message of the dgen::Error `f` throws ("" when it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Backends, EveryBackendIsNamedAsTheCommandLineSpellsIt) {
  EXPECT_EQ(backend_choices(), (std::vector<std::string>{"auto", "cuda", "c", "interp"}));
  for (const BackendDef& d : all_backends()) {
    EXPECT_EQ(backend_named(d.name), d.id);
    EXPECT_EQ(backend_name(d.id), d.name);
  }
  EXPECT_EQ(backend_named("auto"), Backend::Auto);
  EXPECT_FALSE(backend_named("metal"));
}

TEST(Backends, CapabilitiesSayWhatEachDoes) {
  EXPECT_TRUE(backend_def(Backend::C).runs);
  EXPECT_TRUE(backend_def(Backend::C).plugin_source);
  EXPECT_TRUE(backend_def(Backend::C).render);
  EXPECT_TRUE(backend_def(Backend::Interp).runs);
  EXPECT_FALSE(backend_def(Backend::Interp).render);
  EXPECT_TRUE(backend_def(Backend::Cuda).runs);
  EXPECT_EQ(backend_def(Backend::Cuda).auto_min_lanes, kCudaAutoLanes);
  EXPECT_EQ(backend_def(Backend::C).auto_min_lanes, 1);
  EXPECT_TRUE(backend_status(Backend::Interp).available);
}

// Where CUDA is missing the error is why, in one line, from Program, GradProgram and
// resolve_backend alike.
TEST(Backends, CudaIsAOneLineErrorSayingWhy) {
  const BackendStatus cuda = backend_status(Backend::Cuda);
  EXPECT_EQ(cuda.available, cuda.reason.empty());
  if (cuda.available) GTEST_SKIP() << "CUDA runs here";
  const std::string expected = "the cuda backend is not available: " + cuda.reason;
  const RenderOptions o{.backend = Backend::Cuda};
  const Param p("p", 0.5f);
  for (const std::string& message : {error_of([] { resolve_backend(Backend::Cuda); }),
                                     error_of([&] { Program({phasor(100.0)}, o); }), error_of([&] {
                                       GradProgram(mse(Value(p) * phasor(100.0), 0.0), o);
                                     })}) {
    EXPECT_EQ(message, expected);
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

// `auto` takes C for narrow programs, and CUDA for wide ones where a GPU is found, without
// a word on stderr where none is.
TEST(Backends, AutoPicksCudaForWideProgramsWhereAGpuIsFoundElseC) {
  const bool gpu = backend_status(Backend::Cuda).available;
  testing::internal::CaptureStderr();
  EXPECT_EQ(resolve_backend(Backend::Auto), Backend::C);
  EXPECT_EQ(resolve_backend(Backend::Auto, kCudaAutoLanes - 1), Backend::C);
  EXPECT_EQ(resolve_backend(Backend::Auto, kCudaAutoLanes), gpu ? Backend::Cuda : Backend::C);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  std::vector<Backend> expected = {Backend::C, Backend::Interp};
  if (gpu) expected.insert(expected.begin(), Backend::Cuda);
  EXPECT_EQ(runnable_backends(), expected);
}

TEST(Backends, WithoutACompilerAutoWarnsWhyAndUsesTheInterpreter) {
  test::ScopedEnv cc("DGEN_CC", "/nonexistent/cc");
  const BackendStatus c = backend_status(Backend::C);
  EXPECT_FALSE(c.available);
  EXPECT_NE(c.reason.find("/nonexistent/cc"), std::string::npos) << c.reason;
  testing::internal::CaptureStderr();
  EXPECT_EQ(resolve_backend(Backend::Auto), Backend::Interp);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "dgen: warning: " + c.reason + "; using the interpreter (slow)\n");
  std::vector<Backend> runnable = {Backend::Interp};
  if (backend_status(Backend::Cuda).available) runnable.insert(runnable.begin(), Backend::Cuda);
  EXPECT_EQ(runnable_backends(), runnable);
  EXPECT_EQ(error_of([] { resolve_backend(Backend::C); }),
            "the c backend is not available: " + c.reason);
}

// A GPU launches each region's kernel once per block: blocks as wide as keep the values
// crossing regions within its budget (a power of two up to 65536 frames); the CPU's stay
// in cache.
TEST(Backends, GpuBlocksAreAsWideAsTheirCrossingValuesFitCpuBlocks256Frames) {
  EXPECT_EQ(backend_def(Backend::C).block_frames, 256);
  EXPECT_EQ(backend_def(Backend::C).block_bytes, nullptr);
  EXPECT_EQ(backend_def(Backend::Interp).block_bytes, nullptr);
  const int64_t GiB = int64_t(1) << 30;
  EXPECT_EQ(wide_block_frames(1024, 4.0, GiB), 65536);             // one scalar, one lane
  EXPECT_EQ(wide_block_frames(1024, 106e3, GiB), 8192);            // the biquad's gradient
  EXPECT_EQ(wide_block_frames(1024, 4.0 * 16384 * 3, GiB), 4096);  // 3 scalars × 16384 lanes
  EXPECT_EQ(wide_block_frames(1024, 4.0 * 1024 * 30, GiB), 8192);  // 30 scalars × 1024 lanes
  EXPECT_EQ(wide_block_frames(1024, 1e9, GiB), 1024);              // never below the least
  EXPECT_EQ(wide_block_frames(1024, 0.0, GiB), 65536);
}

// The width comes from the bytes the plan spans, not from the sum of the block buffers:
// a spectral loss's window chains sum to several times their span (regions apart share
// bytes), and sizing by the sum made its GPU blocks 8x narrower than they fit.
TEST(Backends, GpuBlocksAreSizedByTheBytesThePlanSpans) {
  MrstftOptions o;
  o.frames = 65536;
  const Value loss = mrstft_loss(in(1), in(2), o);
  pipeline::Trace trace;
  Schedule s = pipeline::schedule({loss.node()}, 64, trace, 1024, /*parallel_windows=*/true);
  double sum = 0;
  for (const Buffer& b : s.buffers) sum += b.persistent ? 0.0 : double(b.bytes);
  ASSERT_GT(sum, 2.0 * double(pipeline::transient_span(s)));  // the premise
  const int64_t budget = int64_t(256) << 20;
  pipeline::widen_block(s, 1024, budget);
  EXPECT_LE(pipeline::transient_span(s), budget);
  EXPECT_GE(s.block, 2 * wide_block_frames(1024, sum / 1024.0, budget));
  Schedule wider = s;  // the widest that fits: twice as wide does not
  wider.block *= 2;
  plan_memory(wider);
  EXPECT_GT(pipeline::transient_span(wider), budget);
}

// A hop value that crosses regions starts each block from the value held before it, a
// copy of its every element and lane, unless the block starts on one of its hops: CPU
// blocks are as long as the longest such hop (a multiple of 256 frames, at most 8192),
// where those copies are 64 KiB or more and the block buffers then span at most 64 MiB
// (pipeline::align_block_to_hops).
TEST(Backends, CpuBlocksAlignWithTheLongestHopOfAValueCrossingRegions) {
  MrstftOptions o;
  o.frames = 22050;
  o.sizes = {8192, 4096, 2048, 1024, 512, 256};  // hops 2048 ... 64
  const Value loss = mrstft_loss(in(1), in(2), o);
  const auto longest_crossing_hop = [](const Schedule& s) {
    int64_t hop = 0;
    for (size_t i = 0; i < s.graph.nodes.size(); ++i)
      if (s.storage[i] == Storage::Block && s.graph.nodes[i]->rate.is_hop())
        hop = std::max<int64_t>(hop, s.graph.nodes[i]->rate.hop);
    return hop;
  };
  pipeline::Trace trace;
  const Schedule s = pipeline::schedule({loss.node()}, 64, trace, Backend::C);
  ASSERT_EQ(longest_crossing_hop(s), 2048);  // the premise
  EXPECT_EQ(s.block, 2048);
  EXPECT_LE(pipeline::transient_span(s), pipeline::kHopBlockBytes);
  // 1024 lanes would span more: blocks of 256 frames, as without crossing hop values.
  const Schedule wide = pipeline::schedule({loss.node()}, 1024, trace, Backend::C);
  EXPECT_EQ(wide.block, 256);
  const Schedule plain = pipeline::schedule({(in(1) * in(2)).node()}, 64, trace, Backend::C);
  EXPECT_EQ(plain.block, 256);
  // The default sizes (2048 ... 64, hops 512 ... 16) in one lane: their held rows (a few
  // thousand floats) cost less than longer blocks.
  MrstftOptions small;
  small.frames = 22050;
  const Value small_loss = mrstft_loss(in(1), in(2), small);
  EXPECT_EQ(longest_crossing_hop(pipeline::schedule({small_loss.node()}, 1, trace, 256)), 512);
  EXPECT_EQ(pipeline::schedule({small_loss.node()}, 1, trace, Backend::C).block, 256);
  EXPECT_EQ(pipeline::schedule({small_loss.node()}, 64, trace, Backend::C).block, 512);
}

TEST(Backends, OutputsOnTheDeviceNeedTheCudaBackend) {
  RenderOptions o{.backend = Backend::C, .outputs_on_device = true};
  try {
    Program p({sin(phasor(440.0))}, o);
    FAIL() << "a C program accepted outputs on the device";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "outputs on the device need the cuda backend (this program runs on c)");
  }
}

}  // namespace
}  // namespace dgen

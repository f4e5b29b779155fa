// The generated CUDA run on the CPU (cuda_on_cpu.hpp) against the C backend: both are float
// code on the same CPU and libm, so they agree to rounding unless the CUDA mapping (the
// kernels, their launch plan, T0 and b0 per block) is wrong. Each frames × lanes kernel
// also runs its threads backwards, which changes the output if its frames are not
// independent. Needs no GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "backend/c/c_executor.hpp"
#include "backend/c/render_c.hpp"
#include "core/op_cases.hpp"
#include "cuda/cuda_on_cpu.hpp"
#include "cuda/cuda_programs.hpp"
#include "lisp/lisp_support.hpp"
#include "runtime/backends.hpp"
#include "schedule/memory_plan.hpp"
#include "train/loss_spec.hpp"

namespace dgen {
namespace {

using Outputs = std::vector<std::vector<float>>;

// One run of `frames` from a fresh state, as Program::run lays out inputs and outputs.
Outputs run(Executor& e, const Schedule& s, int64_t frames,
            const std::vector<InputChannel>& inputs) {
  const Graph& g = s.graph;
  Outputs out(g.output_index.size());
  RunIO io;
  io.frames = frames;
  for (const InputChannel& c : inputs) {
    if (io.inputs.size() < size_t(c.channel)) io.inputs.resize(size_t(c.channel));
    io.inputs[size_t(c.channel - 1)] = c.samples;
  }
  for (size_t k = 0; k < out.size(); ++k) {
    out[k].assign(size_t(frames * g.nodes[g.output_index[k]]->size() * s.lanes), 0.0f);
    io.outputs.push_back(out[k].data());
  }
  e.run(io);
  return out;
}

// The same graph as the C backend schedules it: window work frame by frame, not in
// regions of independent windows.
Schedule frame_by_frame(const Schedule& s) {
  Schedule f = schedule_graph(s.graph, s.lanes);
  f.block = s.block;
  f.reverse = s.reverse;
  plan_memory(f);
  return f;
}

bool has_windows(const Schedule& s) {
  return std::any_of(s.regions.begin(), s.regions.end(), [](const Region& r) { return r.windows; });
}

std::unique_ptr<Executor> c_executor(const Schedule& s) { return make_c_executor(s, render_c(s)); }

// The schedule emulated against the C backend's own schedule of its graph: frame threads in
// order within `rel` of C, and backwards the same bits as in order.
void expect_cuda_on_cpu_matches_c(const Schedule& s, int64_t frames,
                                  const std::vector<InputChannel>& inputs, double rel = 1e-5) {
  const Schedule c = frame_by_frame(s);
  const Outputs ref = run(*c_executor(c), c, frames, inputs);
  const std::unique_ptr<test::CudaOnCpu> cuda = test::make_cuda_on_cpu(s);
  const Outputs got = run(*cuda, s, frames, inputs);
  ASSERT_EQ(got.size(), ref.size());
  for (size_t k = 0; k < ref.size(); ++k) {
    SCOPED_TRACE("output " + std::to_string(k));
    test::expect_close_to_reference(got[k], ref[k], rel);
  }
  cuda->reset();
  cuda->reverse_frame_threads(true);
  EXPECT_EQ(run(*cuda, s, frames, inputs), got) << "frame threads backwards";
}

class CudaOnCpuLanes : public ::testing::TestWithParam<int> {};

TEST_P(CudaOnCpuLanes, EveryOpCaseMatchesC) {
  const std::vector<float> x = test::case_input();
  const std::vector<InputChannel> inputs = {{1, x}, {3, x}};
  for (const test::OpCase& c : test::forward_cases()) {
    if (c.lanes != 1) continue;  // cases of their own lane count run in test_differential
    SCOPED_TRACE(c.name);
    const std::vector<Value> values = c.build();
    expect_cuda_on_cpu_matches_c(test::forward_schedule(values, GetParam()), test::kCaseFrames,
                                 inputs);
  }
}

INSTANTIATE_TEST_SUITE_P(Lanes, CudaOnCpuLanes, ::testing::Values(1, 7));

TEST(CudaOnCpu, ExamplePatchesMatchC) {
  std::vector<float> gate(2000, 0.0f);
  for (size_t t = 0; t < 1200; ++t) gate[t] = 1.0f;
  for (const std::string& path : lisp::test::lisp_files_in("examples")) {
    SCOPED_TRACE(path);
    const lisp::Patch patch = lisp::load_patch_file(path);
    // The phase vocoder wraps phases near ±π, where last-bit differences (the C backend is
    // built with other flags and vectorised) flip a wrap and grow: 2.7e-5 at frame 1329,
    // 0.0025 at 1671, 0.0064 at 1929, as on the GPU against the interpreter, while the
    // C backend itself strays 0.015 from the interpreter's doubles. The backwards run
    // still checks the mapping bit for bit.
    const double rel = path.ends_with("pitch-shift.lisp") ? 1e-2 : 1e-5;
    // In CUDA's narrowest blocks (those of its widest programs): 2000 frames are a whole
    // block and a part.
    const int64_t block = backend_def(Backend::Cuda).block_frames;
    expect_cuda_on_cpu_matches_c(test::forward_schedule(patch.outputs, 1, block), 2000, {{1, gate}},
                                 rel);
  }
}

// The gradient sums a backward program leaves in its state, one vector per param.
std::vector<std::vector<double>> gradient_sums(const Executor& e,
                                               const test::GradientSchedules& p) {
  std::vector<std::vector<double>> sums;
  for (const Differentiated::Grad& g : p.d.grads)
    sums.push_back(e.read_state(p.schedules[1].graph.index.at(g.sum.get()), 0));
  return sums;
}

// The backward program of a loss (reverse time, blocks from the last) on the C backend
// and emulated, from the tapes of one forward run on C, as GradProgram runs it, in blocks
// of `block` frames: each param's gradient within `rel` of (1 + its largest element).
// With `lanes` (> 1: from 4096 the GPU runs what every lane shares in lane 0 alone), the
// emulated backward reads the tapes of an emulated forward. Returns the backward
// schedule's regions of windows and of frames gathered from windows (false, false without
// a backward program).
std::pair<bool, bool> expect_backward_matches_c(const Value& loss, int64_t frames, int64_t block,
                                                const std::vector<InputChannel>& inputs = {},
                                                double rel = 1e-5, int lanes = 1) {
  const auto p = test::gradient_schedules(loss, lanes, frames, block);
  if (p->schedules.size() < 2) return {false, false};
  const Schedule &fwd = p->schedules[0], &bwd = p->schedules[1];
  const std::unique_ptr<Executor> forward = make_c_executor(fwd, render_c(fwd));
  run(*forward, fwd, frames, inputs);
  std::unique_ptr<test::CudaOnCpu> emulated_forward;
  if (lanes > 1) {
    emulated_forward = test::make_cuda_on_cpu(fwd);
    run(*emulated_forward, fwd, frames, inputs);
  }
  auto backward = [&](Executor& e, const Executor& tapes) {
    e.reset();
    e.seek(frames);
    for (const Differentiated::Tape& t : p->d.tapes) {
      const auto read = bwd.graph.index.find(t.read.get());
      if (read != bwd.graph.index.end())
        e.copy_state(read->second, 0, tapes, fwd.graph.index.at(t.write.get()), 0);
    }
    run(e, bwd, frames, inputs);
    return gradient_sums(e, *p);
  };
  const Schedule c_bwd = frame_by_frame(bwd);
  const std::vector<std::vector<double>> ref = backward(*c_executor(c_bwd), *forward);
  const std::unique_ptr<test::CudaOnCpu> cuda = test::make_cuda_on_cpu(bwd);
  const Executor& cuda_tapes = emulated_forward ? *emulated_forward : *forward;
  const std::vector<std::vector<double>> got = backward(*cuda, cuda_tapes);
  EXPECT_EQ(got.size(), ref.size());
  for (size_t k = 0; k < ref.size() && k < got.size(); ++k) {
    EXPECT_EQ(got[k].size(), ref[k].size());
    double peak = 0;
    for (double g : ref[k]) peak = std::max(peak, std::fabs(g));
    for (size_t e = 0; e < ref[k].size() && e < got[k].size(); ++e)
      EXPECT_NEAR(got[k][e], ref[k][e], rel * (1 + peak)) << "param " << k << " element " << e;
  }
  cuda->reverse_frame_threads(true);
  EXPECT_EQ(backward(*cuda, cuda_tapes), got) << "frame threads backwards";
  const bool gathers = std::any_of(bwd.regions.begin(), bwd.regions.end(),
                                   [](const Region& r) { return r.windows && r.hop == 1; });
  return {has_windows(bwd), gathers};
}

TEST(CudaOnCpu, BackwardProgramsMatchC) {
  int windowed = 0;  // backward programs with regions of windows
  for (const test::GradCase& c : test::gradient_cases()) {
    if (c.lanes != 1) continue;
    SCOPED_TRACE(c.name);
    windowed += expect_backward_matches_c(c.loss(), test::kCaseFrames, 256).first;
  }
  EXPECT_GE(windowed, 2);
}

// The backward programs with windows in blocks narrower than a window and than a hop: the
// window adjoints summed back onto frames (buffer_adjoint gathered frame by frame) from
// the block's windows and, through its ring, from the windows of the blocks after.
TEST(CudaOnCpu, WindowedBackwardInBlocksOfAnySizeMatchC) {
  int gathered = 0;
  for (const test::GradCase& c : test::gradient_cases()) {
    if (c.lanes != 1) continue;
    for (int64_t block : {7, 100}) {
      SCOPED_TRACE(c.name + " in blocks of " + std::to_string(block));
      const auto [windowed, gathers] =
          expect_backward_matches_c(c.loss(), test::kCaseFrames, block);
      if (!windowed) break;
      gathered += gathers;
    }
  }
  EXPECT_GE(gathered, 2);
}

// Windows of a spectral loss and of the multi-resolution loss in blocks narrower than a
// hop, as wide as a few, and not a multiple of any: the values held across blocks, and
// the first and last hop frames of a block, as the C backend's frame-by-frame loop, with
// the window's threads sharing its ops.
TEST(CudaOnCpu, WindowsInBlocksOfAnySizeMatchC) {
  const std::vector<float> x = test::case_input();
  const std::vector<InputChannel> inputs = {{1, x}, {3, x}};
  int windowed = 0;
  for (const test::OpCase& c : test::forward_cases()) {
    const std::vector<Value> values = c.build();
    if (!has_windows(test::forward_schedule(values, 3))) continue;
    ++windowed;
    // 3 lanes: CTAs of one lane per window, its threads sharing the window's elements (the
    // window's own rows lane-major); 2: of two lanes, two threads each (lanes innermost;
    // CTAs of 4 threads on the CPU). The cases' windows are the same in every lane, so they
    // run in lane 0 alone (Region::one_lane); run again in every lane, as a prediction's
    // windows do.
    for (int lanes : {3, 2})
      for (int64_t block : {7, 100, 1024})
        for (bool one_lane : {true, false}) {
          SCOPED_TRACE(c.name + " in blocks of " + std::to_string(block) + " at " +
                       std::to_string(lanes) + (one_lane ? " lanes, in lane 0" : " lanes"));
          Schedule s = test::forward_schedule(values, lanes, block);
          if (!one_lane)
            for (Region& r : s.regions) r.one_lane = false;
          expect_cuda_on_cpu_matches_c(s, test::kCaseFrames, inputs);
        }
  }
  EXPECT_GE(windowed, 2);  // spectral_loss and mrstft_loss at least
}

// A window's elementwise ops computed where they are read or kept in rows, by each kind of
// reader (test::elementwise_readers_loss), at 3 and 2 lanes in blocks of 7 and 100 frames,
// in lane 0 alone and in every lane.
TEST(CudaOnCpu, WindowOpsReadThroughOrKeptMatchC) {
  const std::vector<float> x = test::case_input();
  for (int lanes : {3, 2})
    for (int64_t block : {7, 100})
      for (bool one_lane : {true, false}) {
        SCOPED_TRACE(std::to_string(lanes) + " lanes, blocks of " + std::to_string(block) +
                     (one_lane ? ", in lane 0" : ""));
        Schedule s = test::forward_schedule({test::elementwise_readers_loss()}, lanes, block);
        if (!one_lane)
          for (Region& r : s.regions) r.one_lane = false;
        expect_cuda_on_cpu_matches_c(s, test::kCaseFrames, {{1, x}});
      }
}

// The regions of a schedule that run as scans (Region::scan): {cells, ramps, totals} of each.
using Scans = std::vector<std::array<size_t, 3>>;
Scans scans(const Schedule& s) {
  Scans out;
  for (const Region& r : s.regions)
    if (r.scan.chunk > 0)
      out.push_back({r.scan.cells.size(), r.scan.ramps.size(), r.scan.totals.size()});
  return out;
}

// A time-varying biquad (its cutoff swept every frame) and a one-pole after it, whose
// recurrences are linear in their state: on the GPU each runs as a scan over chunks of
// frames (src/schedule/scan.hpp), forward and backward, in blocks of several chunks and a
// part, within float rounding of C's frame-by-frame loop. A cell never written is a
// constant of the scan, not part of its state; an output squared (a loss before its
// total) need not be linear. A recurrence through tanh is not linear and stays serial.
TEST(CudaOnCpu, LinearRecurrencesRunAsScansMatchC) {
  const Param cutoff("cutoff", 900.0f), q("q", 1.5f), pole("pole", 0.9f);
  const Value sweep = cutoff * (1.0 + 0.5 * sin(2.0 * std::numbers::pi * phasor(5.0)));
  const Value filtered = biquad(in(1), sweep, q, 1.0, 0);
  History h, constant({}, {0.5f});
  const Value y = h.read() * pole + filtered * (1.0 - pole) * constant.read();
  h.write(y);
  const std::vector<float> x = test::case_input();
  const std::vector<InputChannel> inputs = {{1, x}, {2, x}};
  // A phasor reset by its input's peaks: a chunk with a reset forgets its start.
  const Value reset = phasor(330.0, gt(in(1), 0.8));
  // 5000 lanes: scans at every lane count (a GPU full of lanes runs them too).
  for (int lanes : {1, 7, 5000}) {
    SCOPED_TRACE(std::to_string(lanes) + " lanes");
    const Schedule s = test::forward_schedule({y, reset}, lanes, 256);
    EXPECT_EQ(scans(s), (Scans{{2, 2, 0}, {3, 0, 0}}));
    expect_cuda_on_cpu_matches_c(s, 1000, inputs);
    // The C backend runs the same scan (lanes as loops) where it is given the GPU's schedule.
    const Schedule c = frame_by_frame(s);
    const Outputs ref = run(*c_executor(c), c, 1000, inputs),
                  got = run(*c_executor(s), s, 1000, inputs);
    for (size_t k = 0; k < ref.size(); ++k) test::expect_close_to_reference(got[k], ref[k], 1e-5);
  }
  // Backward: the adjoint recurrences, coefficients from tapes, and the params' totals.
  const Value loss = mse(y, in(2));
  const auto p = test::gradient_schedules(loss, 1, 1000, 256);
  ASSERT_EQ(p->schedules.size(), 2u);
  const auto backward = scans(p->schedules[1]);
  ASSERT_FALSE(backward.empty());
  EXPECT_GT(backward[0][2], 0u) << "the params' gradient totals join the scan";
  EXPECT_EQ(scans(p->schedules[0]), (Scans{{2, 1, 0}, {3, 0, 1}}))
      << "the forward's recurrence with its loss's total";
  expect_backward_matches_c(loss, 1000, 256, inputs);
  {
    // At 4096 lanes the sweep's phase and sine are a scan of lane 0 alone, whose values the
    // filter's scan reads there and writes to its tapes for every lane. The emulated
    // forward's tapes differ from those of C's code for the same schedule by float
    // rounding, which the resonant filter's gradient carries: 2.6e-5 at 2 lanes, and
    // 5.5e-5 here (the phase in chunks of 64 frames, not 256), measured. A lane reading
    // a tape its forward never wrote would be off by the whole gradient.
    SCOPED_TRACE("4096 lanes, the forward's tapes emulated");
    expect_backward_matches_c(loss, 1000, 256, inputs, 2e-4, 4096);
  }

  History n;
  const Value saturated = tanh(n.read() * 0.5 + in(1));
  n.write(saturated);
  EXPECT_TRUE(scans(test::forward_schedule({saturated}, 1, 256)).empty());
}

// Every example patch's gradient as `dgen grad --target` computes it (the default loss
// against a recording-like target: noise under a decaying sine), in CUDA's blocks.
TEST(CudaOnCpu, ExamplePatchGradientsMatchC) {
  constexpr int64_t kFrames = 6000;
  std::vector<float> target(kFrames), input(kFrames);
  for (int64_t t = 0; t < kFrames; ++t) {
    const double decay = std::exp(-double(t) / 1500.0);
    target[size_t(t)] =
        float(decay * (0.6 * std::sin(0.031 * double(t)) + 0.2 * std::sin(double(t * t % 977))));
    input[size_t(t)] = float(decay * std::sin(0.05 * double(t)));
  }
  const int64_t block = backend_def(Backend::Cuda).block_frames;
  for (const std::string& path : lisp::test::lisp_files_in("examples")) {
    SCOPED_TRACE(path);
    // The membrane's gradient to its tension is ill-conditioned in float32 beyond a few
    // thousand frames: its loss oscillates in the tension on a scale of 1e-6, and at 6000
    // frames the C backend's tension gradient is -18.13 where the float64 interpreter's is
    // -21.98 (finite differences agree with the interpreter). Two float32 programs that
    // round differently differ there by rounding, not by what they compute, so the mesh
    // is compared over 3000 frames, where C is 5.5e-3 off float64 and CUDA's blocks 9e-5
    // off C: the bound keeps a 10x margin over that.
    const bool membrane = path.ends_with("membrane.lisp");
    const int64_t frames = membrane ? 3000 : kFrames;
    const std::vector<float> head_of_target(target.begin(), target.begin() + frames);
    const lisp::Patch patch = lisp::load_patch_file(path);
    const train::TargetLoss loss = train::loss_against_target(train::LossSpec{}, patch.outputs[0],
                                                              head_of_target, {{1, input}});
    expect_backward_matches_c(loss.loss, frames, block, loss.inputs, membrane ? 1e-3 : 1e-4);
  }
}

}  // namespace
}  // namespace dgen

// Gradient throughput (issue: exact gradients through time on the CPU), one core:
//
// - tv_biquad: a lowpass biquad whose cutoff a sine sweeps every frame, driven by white
//   noise from the host,
//   mse against a target, 1 s and 10 s at 44.1 kHz (10 s takes several checkpoint segments). Three
//   rows: the loss rendered by a plain Program (forward alone), GradProgram::forward (forward with
//   its tape writes) and GradProgram::run (forward + backward): the backward/forward ratio is row 3
//   / row 1.
// - voice_step: a training step (forward + backward) of examples/subtractive.lisp, all its
//   bounded params, with the mrstft loss against a target, 1 s at 44.1 kHz, in 1 and 16
//   lanes (B restarts trained at once).
// - search_batch: what `dgen train`'s global search renders per batch of candidates:
//   examples/train_kick.lisp in 64 lanes over 0.5 s with the mrstft:low loss (windows
//   8192 to 256) against a target, forward only.
//
// `--peak-memory=voice:B[:FRAMES]` runs three voice steps in B lanes (over FRAMES frames,
// default 1 s) and prints the process's peak resident memory instead of benchmarking (run
// it in its own process: the figure is a high-water mark).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "dgen/dgen.hpp"
#include "harness.hpp"
#include "lisp/patch.hpp"

namespace {
using namespace dgen;

constexpr double kRate = 44100;
constexpr int64_t kFrames = 44100;

std::vector<float> tone(int64_t n, double freq) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    x[size_t(i)] = float(0.3 * std::sin(2 * std::numbers::pi * freq * double(i) / kRate));
  return x;
}

std::vector<float> white(int64_t n) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = u(rng);
  return x;
}

RenderOptions options(int lanes) {
  RenderOptions o;
  o.sample_rate = kRate;
  o.backend = Backend::C;
  o.lanes = lanes;
  return o;
}

struct TvBiquad {
  explicit TvBiquad(int64_t frames) : source(white(frames)), target(tone(frames, 220)) {}
  Param cutoff{"cutoff", 900.0f, {.min = 50.0f, .max = 5000.0f}};
  Param q{"q", 2.0f, {.min = 0.5f, .max = 10.0f}};
  std::vector<float> source, target;
  Value loss() const {
    const Value sweep = cutoff * (1.0 + 0.5 * sin(2.0 * std::numbers::pi * phasor(3.0)));
    return mse(biquad(in(2), sweep, q, 1.0, 0), in(1));
  }
  std::vector<InputChannel> inputs() const { return {{1, target}, {2, source}}; }
};

// range(0): seconds at 44.1 kHz.
void tv_biquad_render(benchmark::State& state) {
  const int64_t frames = kFrames * state.range(0);
  TvBiquad p(frames);
  Program program({p.loss()}, options(1));
  program.run(frames, p.inputs());  // compiles
  for (auto _ : state) program.run(frames, p.inputs());
  state.SetItemsProcessed(state.iterations() * frames);
}

void tv_biquad_grad(benchmark::State& state, bool backward) {
  const int64_t frames = kFrames * state.range(0);
  TvBiquad p(frames);
  GradProgram program(p.loss(), options(1));
  program.run(frames, p.inputs());  // compiles (the first run fixes the segment length)
  for (auto _ : state)
    benchmark::DoNotOptimize(backward ? program.run(frames, p.inputs())
                                      : program.forward(frames, p.inputs()));
  state.SetItemsProcessed(state.iterations() * frames);
  state.counters["segment"] = double(program.segment_frames());
}

// The subtractive example with every bounded param trainable, against a target rendered
// from it with other values, over `frames` frames.
struct VoiceStep {
  lisp::Patch patch = lisp::load_patch_file(DGEN_SOURCE_DIR "/examples/subtractive.lisp");
  int64_t frames;
  std::vector<float> target;
  Value loss = 0.0;
  explicit VoiceStep(int64_t n = kFrames) : frames(n) {
    set("cutoff", 400.0f);
    Program render({patch.outputs.at(0)}, options(1));
    render.run(frames);
    const std::span<const float> out = render.output(0);
    target.assign(out.begin(), out.end());
    set("cutoff", 180.0f);
    MrstftOptions o;
    o.frames = frames;
    loss = mrstft_loss(patch.outputs.at(0), in(2), o);
  }
  void set(const std::string& name, float value) {
    for (auto& info : patch.params)
      if (info.param.name() == name) info.param.set(value);
  }
  std::vector<InputChannel> inputs() const { return {{2, target}}; }
};

void voice_step(benchmark::State& state) {
  const int lanes = int(state.range(0));
  VoiceStep v;
  GradProgram program(v.loss, options(lanes));
  program.run(kFrames, v.inputs());  // compiles
  for (auto _ : state) benchmark::DoNotOptimize(program.run(kFrames, v.inputs()));
  state.SetItemsProcessed(state.iterations() * kFrames * lanes);
  state.counters["segment"] = double(program.segment_frames());
}

void search_batch(benchmark::State& state) {
  constexpr int kLanes = 64;
  constexpr int64_t kHalfSecond = kFrames / 2;
  lisp::Patch kick = lisp::load_patch_file(DGEN_SOURCE_DIR "/examples/train_kick.lisp");
  std::vector<float> target(static_cast<size_t>(kHalfSecond));
  for (size_t t = 0; t < target.size(); ++t)
    target[t] = float(0.5 * std::exp(-double(t) / 4000.0) * std::sin(0.01 * double(t)));
  MrstftOptions low;
  low.frames = kHalfSecond;
  low.sizes = {8192, 4096, 2048, 1024, 512, 256};
  Program program({mrstft_loss(kick.outputs.at(0), in(2), low)}, options(kLanes));
  const std::vector<InputChannel> inputs{{2, target}};
  program.run(kHalfSecond, inputs);  // compiles
  for (auto _ : state) {
    program.run(kHalfSecond, inputs);
    benchmark::DoNotOptimize(program.output(0).data());
  }
  state.SetItemsProcessed(state.iterations() * kHalfSecond * kLanes);
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

int peak_memory(int lanes, int64_t frames) {
  const double before = peak_rss_mb();
  VoiceStep v(frames);
  GradProgram program(v.loss, options(lanes));
  for (int i = 0; i < 3; ++i) program.run(frames, v.inputs());
  std::printf(
      "voice step, lanes %d, %lld frames: peak RSS %.1f MB (%.1f MB before building the patch), "
      "segment %lld frames\n",
      lanes, static_cast<long long>(frames), peak_rss_mb(), before,
      static_cast<long long>(program.segment_frames()));
  return 0;
}

}  // namespace

BENCHMARK(tv_biquad_render)
    ->Arg(1)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(tv_biquad_grad, forward, false)
    ->Arg(1)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->Apply(dgen_bench::best_of_repetitions);
BENCHMARK_CAPTURE(tv_biquad_grad, forward_backward, true)
    ->Arg(1)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->Apply(dgen_bench::best_of_repetitions);
BENCHMARK(voice_step)
    ->Arg(1)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->Apply(dgen_bench::best_of_repetitions);

BENCHMARK(search_batch)->Unit(benchmark::kMillisecond)->Apply(dgen_bench::best_of_repetitions);

int main(int argc, char** argv) {
  const std::string flag = "--peak-memory=voice:";  // voice:LANES[:FRAMES]
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], flag.c_str(), flag.size()) == 0) {
      const char* rest = argv[i] + flag.size();
      const char* colon = std::strchr(rest, ':');
      return peak_memory(std::atoi(rest), colon ? std::atoll(colon + 1) : kFrames);
    }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// Forward throughput of the four benchmark programs on one core: a Program compiled once
// (C backend, state preserved across runs) renders blocks of 512 frames in the timed
// loop. items_per_second = frames × lanes per second. bench_compile.cpp in the same
// binary times compilation.
//
// `bench_forward --dump=DIR` instead writes the first 16 blocks of every program to
// DIR/<name>.f32, so side_by_side.py can check them against the Faust programs.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "dgen/dgen.hpp"
#include "harness.hpp"
#include "patches.hpp"

namespace dgen_bench {
namespace {

dgen::Program compile(const Workload& w, int lanes) {
  dgen::RenderOptions o;
  o.sample_rate = kSampleRate;
  o.backend = dgen::Backend::C;
  o.lanes = lanes;
  o.preserve_state = true;
  return dgen::Program({w.build()}, o);
}

void forward(benchmark::State& state, int workload, int lanes) {
  const Workload& w = workloads().at(size_t(workload));
  dgen::Program program = compile(w, lanes);
  const std::vector<float> x = input_block();
  std::vector<dgen::InputChannel> inputs;
  if (w.reads_input) inputs.push_back({1, x});
  for (auto _ : state) {
    program.run(kBlock, inputs);
    benchmark::DoNotOptimize(program.output(0).data());
  }
  state.SetItemsProcessed(state.iterations() * kBlock * lanes);
}

BENCHMARK_CAPTURE(forward, biquad, 0, 1)->Apply(best_of_repetitions);
BENCHMARK_CAPTURE(forward, modlp, 1, 1)->Apply(best_of_repetitions);
BENCHMARK_CAPTURE(forward, oscbank, 2, 1)->Apply(best_of_repetitions);
BENCHMARK_CAPTURE(forward, voice, 3, 1)->Apply(best_of_repetitions);
BENCHMARK_CAPTURE(forward, voice_lanes16, 3, 16)->Apply(best_of_repetitions);

// Renders kDumpBlocks blocks of every workload, one lane, as the timed loop does.
int dump_outputs(const std::string& dir) {
  const std::vector<float> x = input_block();
  for (const Workload& w : workloads()) {
    dgen::Program program = compile(w, 1);
    std::vector<dgen::InputChannel> inputs;
    if (w.reads_input) inputs.push_back({1, x});
    std::vector<float> samples;
    for (int b = 0; b < kDumpBlocks; ++b) {
      program.run(kBlock, inputs);
      samples.insert(samples.end(), program.output(0).begin(), program.output(0).end());
    }
    const std::string path = dir + "/" + w.name + ".f32";
    if (!write_f32(path, samples)) {
      std::fprintf(stderr, "bench_forward: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace dgen_bench

int main(int argc, char** argv) {
  if (const std::string dir = dgen_bench::dump_path(argc, argv); !dir.empty())
    return dgen_bench::dump_outputs(dir);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

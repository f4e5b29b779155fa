// Times one Faust-generated DSP class (mydsp.h, found on the include path) with the same
// harness as bench_forward: 48 kHz, blocks of 512 frames, one channel, one thread, best
// of five repetitions. side_by_side.py builds it once per program and Faust mode.
// -DDRIVER_BLOCK=N times blocks of N frames instead (N <= 512), as bench_plugin drives
// the plugins (docs/PERFORMANCE.md, "Plugins against the C++ API").
//
// `driver --dump=FILE` instead writes the first 16 blocks of output to FILE.
#include <faust/dsp/dsp.h>
#include <faust/gui/UI.h>
#include <faust/gui/meta.h>

#include <memory>
#include <vector>

#include "harness.hpp"
#include "mydsp.h"

namespace {

#ifdef DRIVER_BLOCK
constexpr int kBlock = DRIVER_BLOCK;
static_assert(kBlock <= dgen_bench::kBlock, "the input is one harness block");
#else
using dgen_bench::kBlock;
#endif

// A DSP instance with its input and output blocks.
struct Rig {
  std::unique_ptr<mydsp> dsp = std::make_unique<mydsp>();
  std::vector<std::vector<float>> in, out;
  std::vector<float*> in_ptrs, out_ptrs;

  Rig() {
    dsp->init(int(dgen_bench::kSampleRate));
    in.assign(size_t(dsp->getNumInputs()), dgen_bench::input_block());
    out.assign(size_t(dsp->getNumOutputs()), std::vector<float>(kBlock));
    for (auto& v : in) in_ptrs.push_back(v.data());
    for (auto& v : out) out_ptrs.push_back(v.data());
  }
  void compute() { dsp->compute(kBlock, in_ptrs.data(), out_ptrs.data()); }
};

void faust_forward(benchmark::State& state) {
  Rig rig;
  for (auto _ : state) {
    rig.compute();
    benchmark::DoNotOptimize(rig.out[0].data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kBlock);
}
BENCHMARK(faust_forward)->Apply(dgen_bench::best_of_repetitions);

int dump_output(const std::string& path) {
  Rig rig;
  std::vector<float> samples;
  for (int b = 0; b < dgen_bench::kDumpBlocks; ++b) {
    rig.compute();
    samples.insert(samples.end(), rig.out[0].begin(), rig.out[0].end());
  }
  if (dgen_bench::write_f32(path, samples)) return 0;
  std::fprintf(stderr, "driver: cannot write %s\n", path.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (const std::string path = dgen_bench::dump_path(argc, argv); !path.empty())
    return dump_output(path);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

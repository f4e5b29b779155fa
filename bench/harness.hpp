// The measuring rules shared by the dgen benchmarks and the Faust drivers, so that both
// sides of a side-by-side row are timed the same way: 48 kHz, blocks of 512 frames, the
// same input signal, five repetitions of Google Benchmark's adaptive loop, and the best
// repetition reported as the "max" aggregate (best-of-N is the estimate least disturbed
// by other work on a shared machine).
#pragma once
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace dgen_bench {

constexpr double kSampleRate = 48000;
constexpr int kBlock = 512;
constexpr int kRepetitions = 5;
// Frames written by --dump (the cross-check of dgen against Faust).
constexpr int kDumpBlocks = 16;

// The input of the filter workloads: one block of sin(0.01 i), fed again on every block.
inline std::vector<float> input_block() {
  std::vector<float> x(kBlock);
  for (int i = 0; i < kBlock; ++i) x[size_t(i)] = std::sin(0.01f * float(i));
  return x;
}

// Five repetitions; "max" is the best repetition (for items_per_second, the fastest).
inline void best_of_repetitions(benchmark::internal::Benchmark* b) {
  b->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(true)
      ->ComputeStatistics("max", [](const std::vector<double>& v) {
        return *std::max_element(v.begin(), v.end());
      });
}

// `--dump=PATH` on the command line: the path, else "".
inline std::string dump_path(int argc, char** argv) {
  const std::string flag = "--dump=";
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]).rfind(flag, 0) == 0) return std::string(argv[i]).substr(flag.size());
  return "";
}

inline bool write_f32(const std::string& path, const std::vector<float>& samples) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(samples.data(), sizeof(float), samples.size(), f) == samples.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace dgen_bench

// dgen_gpu_bench: dgen's side of the GPU side-by-side benchmarks (docs/PERFORMANCE.md,
// "GPU (H200) side by side"; bench/gpu/run.sh runs it beside the peers' scripts).
//
//   dgen_gpu_bench [--backend cuda|c] [--workloads biquad,mrstft,voice]
//                  [--biquad-lanes 64,1024,16384] [--voice-lanes B] [--scale-to B]
//                  [--reps R] [--quick] [--patch FILE] [--dump DIR] [--fast-math]
//
// --fast-math compiles with the GPU's fast approximations (RenderOptions::fast_math); its
// lines say "math": "fast".
// Prints one JSON line per figure. A backend that cannot run here (Backend::Cuda before
// the CUDA code generator exists, or without a GPU) gives a line with its "error" for
// each workload, and the exit code stays 0: the line is the result.
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "record.hpp"
#include "workloads.hpp"

namespace {
using namespace dgen_gpu_bench;

// "64,1024" -> {64, 1024}; an item that is not a whole number >= 1 gives {}.
std::vector<int> lane_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const int value = std::atoi(item.c_str());
    if (value < 1 || std::to_string(value) != item) return {};
    out.push_back(value);
  }
  return out;
}

int usage(const std::string& why) {
  std::fprintf(stderr, "dgen_gpu_bench: %s (see the head of bench/gpu/main.cpp)\n", why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  s.patch_path = DGEN_SOURCE_DIR "/examples/subtractive.lisp";
  std::string workloads = "biquad,mrstft,voice", dump_dir;
  std::vector<int> biquad_lanes{64, 1024, 16384};
  int mrstft_lanes = 64, voice_lanes = 256, scale_to = 0;
  int64_t frames = 65536, voice_frames = 48000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--quick") {
      biquad_lanes = {4};
      mrstft_lanes = 4;
      voice_lanes = 2;
      frames = 8192;
      voice_frames = 4096;
      s.reps = 1;
    } else if (arg == "--fast-math") {
      s.fast_math = true;
    } else if (!has_value) {
      return usage("unknown option or missing value: " + arg);
    } else if (arg == "--backend") {
      s.backend_name = argv[++i];
      if (s.backend_name == "cuda")
        s.backend = dgen::Backend::Cuda;
      else if (s.backend_name == "c")
        s.backend = dgen::Backend::C;
      else
        return usage("--backend is cuda or c, got " + s.backend_name);
    } else if (arg == "--workloads") {
      workloads = argv[++i];
    } else if (arg == "--biquad-lanes") {
      biquad_lanes = lane_list(argv[++i]);
    } else if (arg == "--voice-lanes") {
      voice_lanes = std::atoi(argv[++i]);
    } else if (arg == "--scale-to") {
      scale_to = std::atoi(argv[++i]);
    } else if (arg == "--reps") {
      s.reps = std::atoi(argv[++i]);
    } else if (arg == "--patch") {
      s.patch_path = argv[++i];
    } else if (arg == "--dump") {
      dump_dir = argv[++i];
    } else {
      return usage("unknown option " + arg);
    }
  }
  if (s.reps < 1 || voice_lanes < 1 || biquad_lanes.empty())
    return usage("--reps, --voice-lanes and each of --biquad-lanes must be whole numbers >= 1");
  if (!dump_dir.empty()) {
    dump_references(s, dump_dir, voice_frames);
    return 0;
  }
  auto wanted = [&](const char* name) {
    return ("," + workloads + ",").find(std::string(",") + name + ",") != std::string::npos;
  };
  if (!wanted("biquad") && !wanted("mrstft") && !wanted("voice"))
    return usage("--workloads names none of biquad, mrstft, voice: " + workloads);
  if (wanted("biquad"))
    for (int lanes : biquad_lanes) tv_biquad(s, lanes, frames);
  if (wanted("mrstft")) mrstft(s, mrstft_lanes, frames);
  if (wanted("voice")) voice_step(s, voice_lanes, voice_frames, scale_to);
  return 0;
}

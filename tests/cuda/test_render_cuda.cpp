// The CUDA printer without a GPU (docs/ARCHITECTURE.md, "The pipeline"): the forward
// program of every op case, the forward and backward programs of every gradient case and
// of every example patch compile with NVRTC for sm_90; the source is the lowering's loop
// IR with lanes as threads.
#include <gtest/gtest.h>

#include <map>
#include <numbers>
#include <regex>
#include <sstream>

#include "backend/c/render_c.hpp"
#include "backend/cuda/nvrtc_compile.hpp"
#include "backend/cuda/render_cuda.hpp"
#include "core/op_cases.hpp"
#include "cuda/cuda_programs.hpp"
#include "lisp/lisp_support.hpp"
#include "ops/emit_util.hpp"

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

// A saturating recurrence (not linear: no scan) runs a thread per lane over the block's
// frames; the sine of its output has independent frames and runs a grid over frames ×
// lanes. The host launches both per block, and dgen_finish moves the frame counter once.
TEST(RenderCuda, LanesAreThreadsAndIndependentFramesAGrid) {
  History h;
  Param bias("bias", 0.3f);  // a param's value may differ per lane: the lanes' own work
  const Value saturated = tanh(h.read() * 0.9 + bias);
  h.write(saturated);
  const std::vector<Value> values = {sin(saturated * 6.283185307179586)};
  const Schedule s = test::forward_schedule(values, 256);
  const std::string source = render_cuda(s);
  const CudaLaunchPlan plan = cuda_launch_plan(s);
  EXPECT_FALSE(plan.reverse);
  EXPECT_EQ(plan.block, s.block);
  int serial = 0, parallel = 0;
  for (const CudaKernel& k : plan.per_block) {
    EXPECT_NE(source.find("extern \"C\" __global__ void " + k.name + "("), std::string::npos)
        << k.name << "\n"
        << source;
    ++(k.grid ? parallel : serial);
  }
  EXPECT_EQ(serial, 1) << source;
  EXPECT_EQ(parallel, 1) << source;
  EXPECT_NE(source.find("const int l = blockIdx.x * blockDim.x + threadIdx.x;"), std::string::npos);
  EXPECT_NE(source.find("const int l = (int)(g % L);"), std::string::npos) << source;
  EXPECT_NE(source.find("extern \"C\" __global__ void dgen_finish("), std::string::npos);
  EXPECT_NE(source.find("+= frames;"), std::string::npos);
  // No loop over lanes, and no per-lane arrays: each thread is one lane.
  EXPECT_EQ(source.find("for (int l = 0"), std::string::npos) << source;
  EXPECT_EQ(source.find("[L]"), std::string::npos) << source;
}

// The kernel of a source that contains `code`: from its head to the next kernel's.
std::string kernel_containing(const std::string& source, const std::string& code) {
  const size_t at = source.find(code);
  if (at == std::string::npos) return "";
  const size_t head = source.rfind("__global__", at);
  return source.substr(head, source.find("__global__", at) - head);
}

// A saturating filter over the host's input (not linear in its state, so not a scan)
// loads 16 frames of what it reads into registers before running them (two unrolled
// loops); a frame with loops of its own (an FFT of a hop region fed by the filter) is not
// copied 16 times.
TEST(RenderCuda, OnlyStraightLineRecurrencesPrefetchFrames) {
  History h;
  const Value filtered = tanh(h.read() * 0.5 + in(1));
  h.write(filtered);
  const std::string plain = render_cuda(test::forward_schedule({filtered}, 4));
  const std::string filter = kernel_containing(plain, "history_write");
  EXPECT_TRUE(std::regex_search(filter, std::regex(R"(float P\d+\[16\];)"))) << filter;
  EXPECT_TRUE(std::regex_search(filter, std::regex(R"(P\d+\[j\] = B\d+\[)"))) << filter;
  EXPECT_NE(filter.find("#pragma unroll"), std::string::npos) << filter;
  const Value frames = buffer(filtered * filtered, 64, 16);
  const Value spectral = sum(fft(frames * hann(64)).first);
  const std::string with_fft = render_cuda(test::forward_schedule({spectral}, 4));
  const std::string fft_kernel = kernel_containing(with_fft, "h_ <<= 2");
  ASSERT_FALSE(fft_kernel.empty()) << with_fft;
  EXPECT_EQ(fft_kernel.find("#pragma unroll"), std::string::npos) << fft_kernel;
}

// A serial region that runs on hop frames alone: a spectral loss's running level of its
// windows (a sum, linear in its state) runs as a scan over chunks of 64 hop frames (one
// thread per lane walking a 65536-frame block's 4096 hops of 16 took 0.5 ms on the H100,
// and a multi-resolution loss has six such levels); a recurrence over hops not linear in
// its state prefetches the windows' values it reads 16 hop frames ahead, as a frame-rate
// recurrence does (one thread per lane waiting on each hop's load took about 0.4 us a hop
// on the H200). The emulation tests check the values.
TEST(RenderCuda, HopFrameRecurrencesRunAsScansOrPrefetchTheirHops) {
  const std::string source =
      render_cuda(test::forward_schedule({spectral_loss(in(1), in(2), {64})}, 64, 4096));
  const std::string level = kernel_containing(source, "history_write");
  ASSERT_FALSE(level.empty()) << source;
  EXPECT_NE(level.find("a scan over chunks of 64 hop frames"), std::string::npos) << level;
  EXPECT_NE(level.find(" + q * 16; const int64_t t = T0 + i;"), std::string::npos) << level;
  EXPECT_FALSE(std::regex_search(level, std::regex(R"(float P\d+\[16\];)"))) << level;

  History h({}, {}, 16);
  const Value energy = sum(fft(buffer(in(1), 64, 16) * hann(64)).first);
  const Value saturated = tanh(h.read() * 0.5 + energy);
  h.write(saturated);
  const std::string serial = kernel_containing(
      render_cuda(test::forward_schedule({saturated}, 64, 4096)), "history_write");
  ASSERT_FALSE(serial.empty());
  EXPECT_NE(serial.find("frame-serial */"), std::string::npos) << serial;
  EXPECT_TRUE(std::regex_search(serial, std::regex(R"(float P\d+\[16\];)"))) << serial;
  // The chunk's j-th hop frame, 16 hops at a time.
  EXPECT_NE(serial.find("i0 += 16"), std::string::npos) << serial;
  EXPECT_NE(serial.find("(i0 + j) * 16;"), std::string::npos) << serial;
}

// A frame scalar every lane shares that other regions read (a recurrence driven by the
// input alone, as an input's delayed copies or a sweep's phase are) is written and read in
// lane 0 alone (LowerTarget::shared_scalars_in_lane0): the time-varying biquad at 16384
// lanes wrote four such values per lane and frame. What depends on a per-lane param keeps
// a slot per lane. The emulation tests check the values.
TEST(RenderCuda, ValuesEveryLaneSharesAreStoredInLaneZero) {
  Param gain("gain", 1.0f);
  History driven_state, voiced_state;
  const Value driven = tanh(driven_state.read() * 0.9 + in(1));
  driven_state.write(driven);
  const Value voiced = tanh(voiced_state.read() * 0.5 + sin(driven * gain) * cos(driven * 3.0));
  voiced_state.write(voiced);
  const Schedule s = test::forward_schedule({voiced}, 64);
  const std::string source = render_cuda(s);
  const Graph& g = s.graph;
  std::vector<bool> per_lane(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    per_lane[i] = g.nodes[i]->op->name == "param" || g.nodes[i]->op->name == "out";
    for (int k : g.inputs[i]) per_lane[i] = per_lane[i] || per_lane[size_t(k)];
  }
  int shared = 0, own = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (s.storage[i] != Storage::Block || !g.nodes[i]->rate.is_frame()) continue;
    const std::string b = "B" + std::to_string(s.block_buf[i]);
    const std::regex any(b + R"(\[[^\]]*\] = )"), in_lane0(b + R"(\[[^\]]*\* L \+ 0\])"),
        in_lane_l(b + R"(\[[^\]]*\* L \+ l\])");
    ASSERT_TRUE(std::regex_search(source, any)) << g.nodes[i]->op->name << "#" << i;
    if (per_lane[i]) {
      ++own;
      EXPECT_FALSE(std::regex_search(source, in_lane0)) << g.nodes[i]->op->name << "#" << i;
    } else {
      ++shared;
      EXPECT_FALSE(std::regex_search(source, in_lane_l)) << g.nodes[i]->op->name << "#" << i;
      EXPECT_TRUE(std::regex_search(source, in_lane0)) << g.nodes[i]->op->name << "#" << i;
    }
  }
  EXPECT_GE(shared, 2) << s.describe();
  EXPECT_GE(own, 1) << s.describe();
}

// A region whose every value every lane shares (a recurrence driven by the host's input)
// runs in lane 0 alone from 4096 lanes: its kernels launch one lane's threads and map no
// thread to another lane; the regions of per-lane values launch every lane's. At 1024 lanes
// it runs in every lane, as part of a region of per-lane values where it can.
TEST(RenderCuda, RegionsEveryLaneSharesRunInLaneZeroAlone) {
  Param gain("gain", 1.0f);
  History driven_state, voiced_state;
  const Value driven = tanh(driven_state.read() * 0.9 + in(1));
  driven_state.write(driven);
  const Value voiced = tanh(voiced_state.read() * 0.5 + sin(driven * 2.0) * gain);
  voiced_state.write(voiced);
  constexpr int kLanes = 4096;
  const Schedule few = test::forward_schedule({voiced}, 1024);
  for (const CudaKernel& k : cuda_launch_plan(few).per_block) EXPECT_FALSE(k.one_lane) << k.name;
  const Schedule s = test::forward_schedule({voiced}, kLanes);
  const std::string source = render_cuda(s);
  const CudaLaunchPlan plan = cuda_launch_plan(s);
  int alone = 0, every = 0;
  for (const CudaKernel& k : plan.per_block) {
    const std::string code = kernel_containing(source, "void " + k.name + "(");
    ASSERT_FALSE(code.empty()) << k.name;
    const int64_t rows = k.grid ? kernel_threads(k, 256, 1) : 1;
    if (k.one_lane) {
      ++alone;
      EXPECT_EQ(kernel_threads(k, 256, kLanes), rows) << k.name;
      EXPECT_EQ(code.find("% L"), std::string::npos) << code;
      EXPECT_EQ(code.find("l >= L"), std::string::npos) << code;
      EXPECT_EQ(code.find("* L + l]"), std::string::npos) << "written in lane 0\n" << code;
    } else {
      ++every;
      EXPECT_EQ(kernel_threads(k, 256, kLanes), kLanes * rows) << k.name;
    }
  }
  EXPECT_GE(alone, 1) << s.describe();
  EXPECT_GE(every, 1) << s.describe();
  EXPECT_NE(s.describe().find("frame-serial in lane 0"), std::string::npos) << s.describe();
}

// In a GPU window, the views (reshape, shrink, pad), the tapes' reads and the tapes'
// writes that only their own window reads are read through (OpDef::element): their
// readers compute their elements from their inputs or tapes where they read them, and
// they have no rows or slot in the arena (a spectral loss's gradient copied 12 GB a run
// into such rows). A tape's write still stores its tape. The views and tapes' reads that
// a later region of windows of their hop reads are read through there too (the backward's
// padded adjoint and a tape of its spectrum, read after a level's scan: one each per
// resolution). What other regions read keeps its row. The emulation tests (CudaOnCpu)
// check the values.
TEST(RenderCuda, AWindowReadsItsViewsAndTapesThrough) {
  Param gain("gain", 1.0f);
  MrstftOptions options;
  options.frames = 4096;
  const auto programs =
      test::gradient_schedules(mrstft_loss(in(1) * gain, in(2), options), 64, 4096, 4096, true);
  std::map<std::string, int> through, across;
  int kept = 0;
  for (const Schedule& s : programs->schedules) {
    const std::string source = render_cuda(s);
    const auto stores = [&](int buffer) {
      return std::regex_search(source,
                               std::regex("B" + std::to_string(buffer) + R"(\[[^\]]*\] = )"));
    };
    const Graph& g = s.graph;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Region& region = s.regions[size_t(s.region_of[i])];
      const std::string& op = g.nodes[i]->op->name;
      if (!region.windows || region.hop == 1 || !g.nodes[i]->op->element) continue;
      // An elementwise op read through only where one reader computes it (read_through).
      if (g.nodes[i]->op->element_computes && !read_through(s, int(i))) continue;
      const bool crosses = std::any_of(g.users[i].begin(), g.users[i].end(),
                                       [&](int u) { return s.region_of[u] != s.region_of[i]; });
      const std::string what = op + "#" + std::to_string(i);
      if (crosses && !read_through(s, int(i))) {
        ++kept;
        EXPECT_TRUE(stores(s.block_buf[i])) << what;
        continue;
      }
      ++(crosses ? across : through)[op];
      EXPECT_EQ(s.block_buf[i], -1) << what;
      EXPECT_EQ(s.slot[i], -1) << what;
      if (op == "tape_write") {
        EXPECT_TRUE(stores(s.state[i][0])) << what;
      }
    }
  }
  for (const char* op : {"reshape", "shrink", "pad", "tape_read", "tape_write", "mul", "add"})
    EXPECT_GE(through[op], 6) << op;  // one per resolution at least
  for (const char* op : {"pad", "tape_read"}) EXPECT_GE(across[op], 6) << op;
  EXPECT_GE(kept, 1);
}

// A modulated filter's coefficients, which only its scan reads, are computed in the scan
// (src/schedule/schedule.cpp, sink_into_scans), and its first pass, which runs each chunk
// once from every state, computes them once a frame for all its runs: one cosine in each
// of the two kernels that run the filter's frames. The emulation tests check the values.
TEST(RenderCuda, AScanComputesItsCoefficientsOnceAFramePerPass) {
  const Value cutoff = 1000.0 + 500.0 * sin(2.0 * std::numbers::pi * phasor(3.0));
  const std::string source =
      render_cuda(test::forward_schedule({biquad(in(1), cutoff, 0.7, 1.0, 0)}, 64));
  const std::regex cosine(R"(cosf\()");
  int passes = 0;
  for (size_t at = source.find("__global__"); at != std::string::npos;
       at = source.find("__global__", at + 1)) {
    const std::string kernel = source.substr(at, source.find("__global__", at + 1) - at);
    const auto cosines = std::distance(std::sregex_iterator(kernel.begin(), kernel.end(), cosine),
                                       std::sregex_iterator());
    if (cosines == 0) continue;
    ++passes;
    EXPECT_EQ(cosines, 1) << kernel;
    EXPECT_NE(kernel.find("a scan over chunks"), std::string::npos) << kernel;
  }
  EXPECT_EQ(passes, 2) << source;
}

// A scan's carry, one thread per lane over the block's chunks in order, loads the maps of
// several chunks into registers before carrying the state through them, so its loads are
// in flight together instead of each behind the last chunk's arithmetic: 64 doubles of
// maps at most, 16 chunks at most (the prefetch's frames). A one-pole (one cell: maps of
// 2) carries 16 chunks at once; a modulated filter (two cells: 6) 10; its input's copies
// with its sweep's phase and a phasor reset by an input (two cells, two ramps: 10) 6.
TEST(RenderCuda, AScansCarryLoadsSeveralChunksMapsAtOnce) {
  // A scan's map width -> chunks loaded at once, in a schedule of 64 lanes.
  const auto groups = [](const std::vector<Value>& outputs) {
    const Schedule s = test::forward_schedule(outputs, 64);
    const std::string source = render_cuda(s);
    std::map<size_t, int64_t> out;
    for (const Region& r : s.regions) {
      if (r.scan.chunk == 0) continue;
      const size_t cells = r.scan.cells.size(),
                   width = cells * (cells + 1) + 2 * r.scan.ramps.size();
      const std::string maps = "B" + std::to_string(r.scan.maps) + "[";
      const std::string carry = kernel_containing(source, "] = " + maps);
      std::smatch m;
      EXPECT_TRUE(std::regex_search(carry, m, std::regex(R"(double CR\[(\d+)\];)"))) << source;
      out[width] = m.empty() ? 0 : std::stoll(m[1]) / int64_t(width);
      std::istringstream lines(carry);
      for (std::string line; std::getline(lines, line);) {
        if (line.find(maps) != std::string::npos) {
          EXPECT_EQ(line.find("CR["), line.find_first_not_of(' ')) << "loaded ahead: " << line;
        }
      }
    }
    return out;
  };
  History h;
  const Value pole = h.read() * 0.9 + in(1) * 0.1;
  h.write(pole);
  EXPECT_EQ(groups({pole}), (std::map<size_t, int64_t>{{2, 16}}));
  const Value cutoff = 1000.0 + 500.0 * sin(2.0 * std::numbers::pi * phasor(3.0));
  EXPECT_EQ(groups({biquad(in(1), cutoff, 0.7, 1.0, 0), phasor(330.0, in(2))}),
            (std::map<size_t, int64_t>{{6, 10}, {10, 6}}));
}

// A scan's totals (a gradient's sums over frames) are added in order into registers, the
// parts of 16 chunks loaded at once, each sum loaded and stored once: the biquad's gradient
// at 64 lanes, whose sums over 1024 chunks a block waited on a load and a store a chunk.
TEST(RenderCuda, AScansTotalsAddPartsLoadedAhead) {
  Param cutoff{"cutoff", 1000.0f}, q{"q", 1.0f};
  const Value sweep = cutoff * (1.0 + 0.5 * sin(2.0 * std::numbers::pi * phasor(3.0)));
  const auto programs =
      test::gradient_schedules(mse(biquad(in(1), sweep, q, 1.0, 0), in(2)), 64, 65536, 65536, true);
  const Schedule& s = programs->schedules[1];
  const std::string source = render_cuda(s);
  int scans = 0;
  for (const Region& r : s.regions) {
    if (r.scan.chunk == 0 || r.scan.totals.empty()) continue;
    ++scans;
    const std::string sums = kernel_containing(source, "= B" + std::to_string(r.scan.parts) + "[");
    EXPECT_NE(sums.find("double CR[" + std::to_string(16 * r.scan.totals.size()) + "];"),
              std::string::npos)
        << sums;
    for (int total : r.scan.totals) {
      const std::regex uses("B" + std::to_string(s.state[size_t(total)][0]) + "\\[");
      EXPECT_EQ(std::distance(std::sregex_iterator(sums.begin(), sums.end(), uses), {}), 2) << sums;
    }
  }
  EXPECT_EQ(scans, 1) << source;
}

// A scan's first pass runs its frames once per cell and once more to find the chunks'
// maps; only its last pass writes what the state does not feed. Each tape of the modulated
// filter's forward program is stored by one kernel, in one place.
TEST(RenderCuda, AScanWritesItsTapesInItsLastPassAlone) {
  Param base("cutoff", 1000.0f);
  const Value cutoff = base * (1.0 + 0.5 * sin(2.0 * std::numbers::pi * phasor(3.0)));
  const Value y = biquad(in(1), cutoff, 0.7, 1.0, 0);
  const auto programs = test::gradient_schedules(mse(y, in(2)), 64, 256, 256, /*input_grads=*/true);
  const Schedule& forward = programs->schedules.at(0);
  const std::string source = render_cuda(forward);
  int tapes = 0;
  for (size_t i = 0; i < forward.graph.nodes.size(); ++i) {
    if (forward.graph.nodes[i]->op->name != "tape_write") continue;
    ++tapes;
    const std::regex store("B" + std::to_string(forward.state[i].at(0)) + R"(\[[^\]]*\] = )");
    const auto stores = std::distance(std::sregex_iterator(source.begin(), source.end(), store),
                                      std::sregex_iterator());
    EXPECT_EQ(stores, 1) << "tape_write#" << i << "\n" << source;
  }
  EXPECT_GE(tapes, 8);
}

// A block holds few long windows: their kernel runs in narrower tiles of lanes, so the GPU
// gets CTAs enough (CtaShape::fill); a block of many short windows keeps tiles of 32 lanes.
TEST(RenderCuda, FewWindowsPerBlockRunInNarrowerTiles) {
  const Param gain("gain", 1.0f);  // per lane: the windows run in every lane
  auto window_kernel = [&](int64_t n, int64_t block) {
    const Value spectral = sum(fft(buffer(in(1) * gain, n, n / 4) * hann(n)).first);
    const CudaLaunchPlan plan = cuda_launch_plan(test::forward_schedule({spectral}, 64, block));
    for (const CudaKernel& k : plan.per_block)
      if (k.cta > 0) return k;
    ADD_FAILURE() << "no region of windows at n = " << n;
    return CudaKernel{};
  };
  const CtaShape shape;
  // 2048-point windows at hop 512 in blocks of 4096 frames: 9 windows a block; tiles of 2
  // lanes make 9 × 32 = 288 CTAs (tiles of 4 would make 144).
  const CudaKernel lng = window_kernel(2048, 4096);
  EXPECT_EQ(lng.tile, 2);
  EXPECT_GE(kernel_threads(lng, 4096, 64) / lng.cta, shape.fill);
  EXPECT_LT(kernel_threads(lng, 4096, 64) / lng.cta / 2, shape.fill);
  // 64-point windows at hop 16: 257 windows a block, 514 CTAs of 32 lanes.
  EXPECT_EQ(window_kernel(64, 4096).tile, 32);
}

// A loss's target side is the same in every lane: its windows (frames, FFT, power) run in
// regions of their own, before the prediction's, on CTAs of lane 0 alone (one a window,
// not one a tile of lanes), their rows of their own lane-major; the prediction's windows
// read the target's values in lane 0. The emulation tests check the values.
TEST(RenderCuda, WindowsEveryLaneSharesRunInLaneZero) {
  const Param gain("gain", 1.0f);
  auto power = [](const Value& x) {
    const auto [re, im] = fft(buffer(x, 256, 64) * hann(256));
    return re * re + im * im;
  };
  const Value loss = sum(abs(power(in(1) * gain) - power(in(2))));
  const Schedule s = test::forward_schedule({loss}, 64, 1024);
  std::vector<const Region*> shared, own;
  for (const Region& r : s.regions)
    if (r.windows) (r.one_lane ? shared : own).push_back(&r);
  ASSERT_EQ(shared.size(), 1u) << s.describe();
  ASSERT_EQ(own.size(), 1u) << s.describe();
  EXPECT_LT(shared[0], own[0]);  // the target's windows first
  EXPECT_NE(s.describe().find("hop(64) windows in lane 0"), std::string::npos);
  std::vector<CudaKernel> windows;
  for (const CudaKernel& k : cuda_launch_plan(s).per_block)
    if (k.cta > 0) windows.push_back(k);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_TRUE(windows[0].one_lane);
  EXPECT_FALSE(windows[1].one_lane);
  // 17 windows a block: 17 CTAs in lane 0; the prediction's in tiles of 4 lanes.
  EXPECT_EQ(windows[0].tile, 1);
  EXPECT_EQ(kernel_threads(windows[0], 1024, 64), 17 * windows[0].cta);
  EXPECT_EQ(kernel_threads(windows[1], 1024, 64), 17 * 64 / windows[1].tile * windows[1].cta);
  // The C backend keeps one region for both sides (its lane loops run the target once).
  const Schedule c = make_schedule({loss.node()}, 64);
  for (const Region& r : c.regions) EXPECT_FALSE(r.one_lane);
}

// A window's tensor rows that no other region reads are [row][lane][element] on the GPU
// where a CTA's tile of lanes is narrower than a 32-byte sector (8 floats), so that its
// threads, adjacent elements of a lane, touch adjacent floats; the window's total, read
// by the program's output, keeps lanes innermost, as do wide tiles and C everywhere (its
// lane loops vectorise). The emulation tests check the values.
TEST(RenderCuda, WindowRowsOfItsOwnAreLaneMajorInNarrowTiles) {
  const std::regex lane_major(R"(\) \* L \+ l\) \* [0-9]+ \+ \()");
  const Param gain("gain", 1.0f);  // per lane: the windows run in every lane
  auto spectral = [&](int64_t n) {
    return sum(fft(buffer(in(1) * gain, n, n / 4) * hann(n)).first);
  };
  // 256-point windows at hop 64 in blocks of 1024 frames: 17 windows, tiles of 4 lanes.
  const Schedule narrow = test::forward_schedule({spectral(256)}, 64, 1024);
  const std::string cuda = render_cuda(narrow);
  EXPECT_TRUE(std::regex_search(cuda, std::regex(R"(\) \* L \+ l\) \* 256 \+ \()"))) << cuda;
  EXPECT_NE(cuda.find("dgen_e0 = threadIdx.x % 64, dgen_es = 64;"), std::string::npos) << cuda;
  EXPECT_FALSE(std::regex_search(render_c(narrow), lane_major));
  // 64-point windows at hop 16 in blocks of 4096: tiles of 32 lanes, lanes innermost.
  const std::string wide = render_cuda(test::forward_schedule({spectral(64)}, 64, 4096));
  EXPECT_FALSE(std::regex_search(wide, lane_major)) << wide;
  EXPECT_NE(wide.find("dgen_e0 = threadIdx.x / 32, dgen_es = 8;"), std::string::npos) << wide;
}

// In a window's CTA a chain of elementwise ops runs without barriers: each element is
// written and read by the same thread. An op that reads other elements (the sum) waits at
// a barrier first. The sum is shared by the lane's threads (partials in the CTA's
// scratch), not run on one of them. tanh and abs, each read by more than one op, are one
// loop. The emulation tests check the values.
TEST(RenderCuda, WindowsBarrierOnlyBeforeReadingOtherThreadsElements) {
  const Value spectrum = fft(buffer(in(1), 64, 16) * hann(64)).first;
  const Value t = tanh(2.0 * spectrum), a = abs(t);
  const Value loss = sum(a) + sum(a * t) + sum(a * spectrum);
  const std::string cuda = render_cuda(test::forward_schedule({loss}, 64, 4096));
  auto between = [&](const std::string& from, const std::string& to) {
    const size_t a = cuda.find(from), b = cuda.find(to, a);
    if (a == std::string::npos || b == std::string::npos) {
      ADD_FAILURE() << "no " << from << " ... " << to << " in\n" << cuda;
      return std::string();
    }
    return cuda.substr(a, b - a);
  };
  auto barriers = [](const std::string& text) {
    size_t n = 0;
    for (size_t at = text.find(kBarrier); at != std::string::npos; at = text.find(kBarrier, at + 1))
      ++n;
    return n;
  };
  const std::string chain = between("/* tanh#", "/* abs#");
  EXPECT_EQ(barriers(chain), 0u);
  EXPECT_EQ(chain.find('\n', chain.find("for (")), std::string::npos) << chain;  // one loop
  EXPECT_EQ(barriers(between("/* abs#", "/* sum_all#")), 1u);
  const std::string sum = between("/* sum_all#", "/* add#");
  EXPECT_NE(sum.find("dgen_red[dgen_e0 * dgen_nt + dgen_tl] = p_;"), std::string::npos) << sum;
  EXPECT_EQ(sum.find("if (dgen_e0 == 0) {\n"), std::string::npos) << sum;
}

// A window's scalar ops run on each lane's first thread, which also writes a sum's total:
// the ops after a sum that only that thread's ops read (here a host output) wait at no
// barrier. The sum's total + 1 and its root, each read once, are computed where twice
// that reads them (read_through): one op on the first thread, right after the total. The
// emulation tests check the values.
TEST(RenderCuda, WindowScalarOpsAfterASumWaitAtNoBarrier) {
  const Value total = sum(abs(fft(buffer(in(1), 64, 16) * hann(64)).first));
  const Value scaled = sqrt(total + 1.0) * 2.0;
  const std::string cuda = render_cuda(test::forward_schedule({scaled}, 64, 4096));
  const std::string window = kernel_containing(cuda, "h_ <<= 2");
  ASSERT_FALSE(window.empty()) << cuda;
  EXPECT_EQ(window.find("/* add#"), std::string::npos) << window;
  EXPECT_EQ(window.find("/* sqrt#"), std::string::npos) << window;
  const size_t total_at = window.find("(float)(acc_)"), mul = window.find("/* mul#", total_at);
  ASSERT_NE(mul, std::string::npos) << window;
  EXPECT_EQ(window.substr(total_at, mul - total_at).find(kBarrier), std::string::npos) << window;
  const std::string op = window.substr(mul, window.find("/* ", mul + 3) - mul);
  EXPECT_NE(op.find("if (dgen_e0 == 0)"), std::string::npos) << op;
  EXPECT_NE(op.find("sqrtf("), std::string::npos) << op;
}

// A window's scalar op of scalars that only its window reads, and that a loop spread over
// the threads reads (a level from a sum's total), is computed by every thread into a
// register of its own: the loop after it waits at no barrier for the first thread (the
// barrier comes once, before the scalars, for the sum's total). The emulation tests check
// the values.
TEST(RenderCuda, WindowScalarsThatOtherThreadsReadAreComputedByEveryThread) {
  const Param gain("gain", 1.0f);  // per lane: the windows run in every lane
  const auto [re, im] = fft(buffer(in(1) * gain, 64, 16) * hann(64));
  const Value level = 1.0 / (sum(re * re) + 1.0);
  // Each read by two sums: loops of their own, reading the level (a broadcast: the level
  // is not computed where read, which would be once a bin).
  const Value y = tanh(re * level), z = tanh(im * level);
  const Value loss = sum(y) + sum(y * re) + sum(z) + sum(z * im);
  const std::string window =
      kernel_containing(render_cuda(test::forward_schedule({loss}, 64, 4096)), "h_ <<= 2");
  ASSERT_FALSE(window.empty());
  std::smatch declared;
  ASSERT_TRUE(std::regex_search(window, declared, std::regex(R"(float (w\d+);\n)"))) << window;
  const std::string w = declared[1];
  const size_t at = window.find(w + " = ");
  ASSERT_NE(at, std::string::npos) << window;
  EXPECT_EQ(window.substr(window.rfind('\n', at), at - window.rfind('\n', at)).find("dgen_e0 == 0"),
            std::string::npos)
      << window;
  // The loop over the bins that reads it (y's tanh) comes after it with no barrier between.
  const size_t loop = window.find(std::string("for (int64_t e = 0 + ") + kThreadFirst, at);
  ASSERT_NE(loop, std::string::npos) << window;
  EXPECT_EQ(window.substr(at, loop - at).find(kBarrier), std::string::npos) << window;
  EXPECT_NE(window.substr(at, loop - at).find("/* tanh#"), std::string::npos) << window;
  const std::string reads = window.substr(loop, window.find('\n', loop) - loop);
  EXPECT_NE(reads.find("(" + w + ")"), std::string::npos) << reads;
}

// In a spectral loss's backward windows, the adjoint of the loss's sum over bins (sum_to
// one value) and of the hop value held over its frames (hop_sum) are sums of hundreds of
// terms per window: shared by the lane's threads, as the forward's sum is, not walked by
// one of them while the others wait (they were most of the backward's time on the H200).
// The emulation tests check the values.
TEST(RenderCuda, BackwardWindowSumsAreSharedByTheWindowsThreads) {
  const Param gain("gain", 1.0f);
  const auto p =
      test::gradient_schedules(spectral_loss(in(1) * gain, in(2), {256}), 64, 4096, 4096);
  ASSERT_EQ(p->schedules.size(), 2u);
  const std::string cuda = render_cuda(p->schedules[1]);
  const std::string window = kernel_containing(cuda, "h_ <<= 2");
  ASSERT_FALSE(window.empty()) << cuda;
  // The two sums over the bins (the loss's linear and log terms) and the hop's.
  size_t shared_sums = 0;
  for (size_t at = window.find("= p_;"); at != std::string::npos; at = window.find("= p_;", at + 1))
    ++shared_sums;
  EXPECT_EQ(shared_sums, 3u) << window;
  // No thread walks a sum alone but over the partials of the lane's threads.
  EXPECT_FALSE(
      std::regex_search(window, std::regex(R"(if \(dgen_e0 == 0\) \{[^\n]*for \(int64_t [fr]_)")))
      << window;
}

// A window's FFT of up to 4096 points runs in the CTA's shared memory, each lane of the
// tile in a slice of its own: where a warp's threads take adjacent lanes, slices start
// 32 / tile banks apart (not a multiple of 32 floats, which would put every lane's same
// element in one bank). A tile whose slices would not fit 40 KB narrows, but not below a
// sector's 8 lanes while they fit 160 KB (dynamic shared memory, asked for at launch), and
// below only where they do not. Longer FFTs run in their rows in global memory. The
// emulation tests check the values; the GPU tests run the kernels above 48 KB.
// A window's FFT whose readers are all in its window, the only one of its region, leaves
// its value in the lane's slice of shared memory, where they read it: no row of it is
// written to global memory. Two FFTs in one region write their rows (the second would
// overwrite the first's slice). The emulation tests check the values.
TEST(RenderCuda, WindowFftOutputIsReadFromItsSharedSlice) {
  const Param a("a", 1.0f), b("b", 2.0f);  // per lane: the windows run in every lane
  auto power = [](const Value& x) {
    const auto [re, im] = fft(buffer(x, 256, 64) * hann(256));
    return sum(re * re + im * im);
  };
  auto fft_rows = [](const Schedule& s) {
    std::vector<std::string> rows;
    for (size_t i = 0; i < s.graph.nodes.size(); ++i)
      if (s.graph.nodes[i]->op->name == "fft_complex")
        rows.push_back("B" + std::to_string(s.block_buf[i]) + "[");
    return rows;
  };
  const Schedule one = test::forward_schedule({power(in(1) * a)}, 64, 1024);
  const std::string cuda = render_cuda(one);
  ASSERT_EQ(fft_rows(one).size(), 1u);
  EXPECT_EQ(cuda.find(fft_rows(one)[0]), std::string::npos) << cuda;
  EXPECT_TRUE(
      std::regex_search(cuda, std::regex(R"(\(double\)\(+dgen_smem\[dgen_tl \* dgen_ls \+ )")))
      << cuda;
  const Schedule two = test::forward_schedule({power(in(1) * a) + power(in(1) * b)}, 64, 1024);
  const std::string both = render_cuda(two);
  ASSERT_EQ(fft_rows(two).size(), 2u);
  for (const std::string& row : fft_rows(two)) EXPECT_NE(both.find(row), std::string::npos);
}

TEST(RenderCuda, WindowFftsRunInSharedMemory) {
  const Param gain("gain", 1.0f);  // per lane: the windows run in every lane
  auto schedule = [&](int64_t n, int64_t hop, int64_t block = 4096) {
    return test::forward_schedule({sum(abs(fft(buffer(in(1) * gain, n, hop)).first))}, 64, block);
  };
  auto window_kernel = [](const Schedule& s) {
    for (const CudaKernel& k : cuda_launch_plan(s).per_block)
      if (k.cta > 0) return k;
    ADD_FAILURE() << "no region of windows";
    return CudaKernel{};
  };
  // 64 points every 16 frames: 257 windows a block, tiles of 32 lanes, 1 bank apart.
  const std::string short_windows = render_cuda(schedule(64, 16));
  EXPECT_NE(short_windows.find("blockIdx.x / 2;"), std::string::npos);
  EXPECT_NE(short_windows.find("DGEN_CTA_SHARED(dgen_smem, 4128);"), std::string::npos);
  EXPECT_NE(short_windows.find("const int64_t dgen_ls = 129;"), std::string::npos);
  EXPECT_NE(short_windows.find("sincospif("), std::string::npos);
  EXPECT_EQ(short_windows.find("sincospi("), std::string::npos);
  // Two stages a pass (radix 4), after the one of distance 1 where the stages are odd
  // (64 points: 6, none). A stage pair whose distance divides the lane's threads gives each
  // thread one twiddle: computed once for the pair, not per group.
  EXPECT_NE(short_windows.find("for (int h_ = 1; h_ < 64; h_ <<= 2) {"), std::string::npos);
  EXPECT_NE(short_windows.find("const bool shared_k_ = (dgen_es & (h_ - 1)) == 0;"),
            std::string::npos);
  EXPECT_NE(short_windows.find("if (shared_k_) { sincospif(((float)(-1.0)) * (float)((int)dgen_e0 "
                               "& (h_ - 1)) / (float)(2 * h_), &s0_, &c0_); "),
            std::string::npos)
      << short_windows;
  EXPECT_EQ(window_kernel(schedule(64, 16)).shared_bytes(), 4128 * 4);
  EXPECT_EQ(window_kernel(schedule(64, 16)).cta, 256);
  // 1024 points every 16 frames: tiles of 32 lanes would need 262 KB; 8 lanes, a sector's
  // (64 KB), keep adjacent lanes of one element on adjacent threads, 4 banks apart. Three
  // such CTAs fit an SM: 512 threads each (CtaShape::sm_threads).
  const std::string eight = render_cuda(schedule(1024, 16));
  EXPECT_EQ(window_kernel(schedule(1024, 16)).cta, 512);
  EXPECT_NE(eight.find("dgen_e0 = threadIdx.x / 8, dgen_es = 64;"), std::string::npos) << eight;
  EXPECT_NE(eight.find("blockIdx.x / 8;"), std::string::npos) << eight;
  EXPECT_NE(eight.find("(int)(threadIdx.x % 8);"), std::string::npos) << eight;
  EXPECT_NE(eight.find("DGEN_CTA_SHARED(dgen_smem, 16416);"), std::string::npos) << eight;
  EXPECT_NE(eight.find("const int64_t dgen_ls = 2052;"), std::string::npos);
  EXPECT_EQ(window_kernel(schedule(1024, 16)).shared_bytes(), 16416 * 4);
  // 4096 points every 1024 frames in blocks of 65536: 8 lanes would need 256 KB; 4 lanes
  // fit, one CTA an SM, of 1024 threads. Narrower than a sector, their threads take
  // adjacent elements of one lane (256 each), in rows laid out lane-major, and the slices
  // need no offset (a warp's threads read adjacent floats of one slice).
  const std::string narrowed = render_cuda(schedule(4096, 1024, 65536));
  EXPECT_EQ(window_kernel(schedule(4096, 1024, 65536)).cta, 1024);
  EXPECT_NE(narrowed.find("blockIdx.x / 16;"), std::string::npos) << narrowed;
  EXPECT_NE(narrowed.find("(int)(threadIdx.x / 256);"), std::string::npos) << narrowed;
  EXPECT_NE(narrowed.find("DGEN_CTA_SHARED(dgen_smem, 32768);"), std::string::npos);
  EXPECT_NE(narrowed.find("const int64_t dgen_ls = 8192;"), std::string::npos);
  // 8192 points: global memory, its twiddles in double.
  const std::string long_windows = render_cuda(schedule(8192, 4096));
  EXPECT_EQ(long_windows.find("dgen_smem"), std::string::npos);
  EXPECT_NE(long_windows.find("sincospi("), std::string::npos);
}

// Windows without shared memory (no FFT) run CTAs of 256 threads, several an SM: their tile
// narrows until the launch's threads fill a large GPU (264 x 1024), but not below a
// sector's 8 lanes. 129 windows of 2048 frames at 64 lanes: 16 lanes (516 CTAs) before, 8
// (1032) now; 4097 windows of 16 frames keep 32 lanes.
TEST(RenderCuda, WindowsWithoutSharedMemoryFillTheGpusThreads) {
  const Param gain("gain", 1.0f);  // per lane: the windows run in every lane
  auto tile = [&](int64_t n, int64_t hop) {
    const Schedule s = test::forward_schedule({sum(abs(buffer(in(1) * gain, n, hop)))}, 64, 65536);
    for (const CudaKernel& k : cuda_launch_plan(s).per_block)
      if (k.cta > 0) return std::pair{k.tile, k.cta};
    ADD_FAILURE() << "no region of windows";
    return std::pair{0, 0};
  };
  EXPECT_EQ(tile(2048, 512), (std::pair{8, 256}));
  EXPECT_EQ(tile(64, 16), (std::pair{32, 256}));
}

// A GPU whose CTA may ask for less shared memory than a Hopper's runs the same windows in
// narrower tiles: every window kernel of the STFT loss's programs, its slices and its
// scratch for sums, fits what the device allows (device_cta_shape), where a Hopper's
// limits give the defaults.
TEST(RenderCuda, WindowTilesFitTheGpusSharedMemory) {
  const CtaShape hopper = device_cta_shape(227 << 10, 228 << 10), defaults;
  EXPECT_EQ(hopper.most_shared_bytes, defaults.most_shared_bytes);
  EXPECT_EQ(hopper.shared_bytes, defaults.shared_bytes);
  EXPECT_EQ(hopper.sm_shared_bytes, defaults.sm_shared_bytes);
  Param gain("gain", 1.0f);
  MrstftOptions options;
  options.frames = 65536;
  const auto programs =
      test::gradient_schedules(mrstft_loss(in(1) * gain, in(2), options), 64, 65536, 65536, true);
  // A GPU of 99 KB a CTA and 100 KB an SM (an Ampere or Ada consumer card), and one of 48.
  for (const auto& [optin, sm] : {std::pair{99 << 10, 100 << 10}, std::pair{48 << 10, 64 << 10}}) {
    const CtaShape shape = device_cta_shape(optin, sm);
    int longest_tile = 0;
    for (const Schedule& s : programs->schedules)
      for (const CudaKernel& k : cuda_launch_plan(s, shape).per_block) {
        if (k.cta == 0) continue;
        EXPECT_LE(k.shared_bytes() + k.cta * int64_t(sizeof(double)), optin) << k.name;
        if (k.shared_floats == 4096) longest_tile = std::max(longest_tile, k.tile);
      }
    // 2048-point windows (16 KB a lane): 8 lanes need 128 KB.
    EXPECT_EQ(longest_tile, optin == (99 << 10) ? 4 : 2) << optin;
  }
}

// A window's elementwise op that one reader takes (a few instructions without a call: at
// most two) is computed where it is read (schedule/schedule.hpp, read_through), not
// written to a row and read back: 2x, tanh and abs inside the sum's term, no loop of their
// own. tanh, read by two ops, keeps its row (it would be computed twice).
TEST(RenderCuda, WindowElementwiseOpsOfOneReaderAreComputedWhereRead) {
  const Value spectrum = fft(buffer(in(1), 64, 16) * hann(64)).first;
  const std::string one =
      render_cuda(test::forward_schedule({sum(abs(tanh(2.0 * spectrum)))}, 64, 4096));
  for (const char* op : {"/* mul#", "/* tanh#", "/* abs#"})
    EXPECT_EQ(one.find(op), std::string::npos) << op << one;
  EXPECT_TRUE(std::regex_search(
      one, std::regex(R"(p_ \+= \(double\)\(\(*fabsf\(\(*tanhf\(\(*\(\(float\)\(2\.0\)\)\))")))
      << one;
  const Value t = tanh(2.0 * spectrum);
  const std::string two =
      render_cuda(test::forward_schedule({sum(abs(t)) + sum(t * spectrum)}, 64, 4096));
  EXPECT_NE(two.find("/* tanh#"), std::string::npos) << two;
  EXPECT_EQ(two.find("/* abs#"), std::string::npos) << two;
}

// An elementwise op whose readers would take an element more than once keeps its row
// (read_through counts the element's computations): read by a broadcast (a window's level
// scaling every bin), by expand or repeat, by an op not known to read each element once (a
// matmul, here behind a reshape read through). Read by one sum, it is computed there.
// CudaOnCpu.WindowOpsReadThroughOrKeptMatchC checks the values.
TEST(RenderCuda, ElementwiseOpsReadMoreThanOnceKeepTheirRows) {
  const Schedule s = test::forward_schedule({test::elementwise_readers_loss()}, 64, 4096);
  const Graph& g = s.graph;
  // The node of `op` that a node of `user_op` reads (each pair once in this graph).
  const auto read_by = [&](const std::string& op, const std::string& user_op) {
    for (size_t u = 0; u < g.nodes.size(); ++u)
      if (g.nodes[u]->op->name == user_op)
        for (const NodeRef& in : g.nodes[u]->inputs)
          for (size_t i = 0; i < g.nodes.size(); ++i)
            if (g.nodes[i] == in.get() && in->op->name == op) return int(i);
    ADD_FAILURE() << "no " << op << " read by " << user_op;
    return 0;
  };
  int divs = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i]->op->name == "div") {
      ++divs;
      EXPECT_FALSE(read_through(s, int(i))) << "the level, read by a broadcast";
    }
  EXPECT_EQ(divs, 1);
  EXPECT_FALSE(read_through(s, read_by("abs", "expand")));
  EXPECT_FALSE(read_through(s, read_by("tanh", "repeat")));
  EXPECT_TRUE(read_through(s, read_by("reshape", "matmul")));  // a view: nothing computed
  EXPECT_FALSE(read_through(s, read_by("exp", "reshape")));
  EXPECT_TRUE(read_through(s, read_by("sqrt", "sum_all")));
  EXPECT_TRUE(read_through(s, read_by("abs", "sqrt")));  // one computation, in the sum
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
    const auto programs = test::gradient_schedules(loss, kLanes, 512);
    for (const Schedule& s : programs->schedules)
      expect_compiles(s, path + (s.reverse ? " (backward)" : " (forward)"));
  }
}

}  // namespace
}  // namespace dgen

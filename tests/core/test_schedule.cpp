// The scheduler's contract (DESIGN §2, §3.1, §3.5): static math runs once, stateless frame
// math runs in frame-parallel regions between serial ones, a recurrence never spans two
// regions, regions only read what earlier regions (or they themselves) produced, and no
// two live buffers of the memory plan overlap.
#include <functional>
#include <numbers>
#include <set>

#include "backend/c/render_c.hpp"
#include "core/random_graph.hpp"
#include "cuda/cuda_programs.hpp"
#include "schedule/memory_plan.hpp"
#include "schedule/scan.hpp"
#include "schedule/schedule.hpp"
#include "support.hpp"

namespace dgen {
namespace {

Schedule schedule_of(const std::vector<Value>& values, int lanes = 1) {
  std::vector<NodeRef> outs;
  for (size_t k = 0; k < values.size(); ++k) outs.push_back(out(values[k], int(k) + 1).node());
  return make_schedule(outs, lanes);
}

std::vector<int> nodes_of_op(const Schedule& s, const std::string& op) {
  std::vector<int> found;
  for (size_t i = 0; i < s.graph.nodes.size(); ++i)
    if (s.graph.nodes[i]->op->name == op) found.push_back(int(i));
  return found;
}

RegionKind kind_of(const Schedule& s, int node) {
  return s.regions[size_t(s.region_of[size_t(node)])].kind;
}

// Checks the structural properties every schedule must have.
void expect_well_formed(const Schedule& s) {
  const Graph& g = s.graph;
  const size_t n = g.nodes.size();
  ASSERT_EQ(s.region_of.size(), n);
  ASSERT_FALSE(s.regions.empty());
  EXPECT_EQ(s.regions[0].kind, RegionKind::Static);
  for (size_t i = 0; i < n; ++i) {
    const int r = s.region_of[i];
    ASSERT_GE(r, 0) << "node " << i << " has no region";
    // Static values, and only they, are computed in the static region.
    EXPECT_EQ(r == 0, g.nodes[i]->rate.is_static()) << g.nodes[i]->op->name << "#" << i;
    // A value is produced no later than the region that reads it.
    for (int j : g.inputs[i])
      EXPECT_LE(s.region_of[size_t(j)], r) << "node " << i << " reads node " << j;
    // Stateful nodes run in serial regions.
    if (g.nodes[i]->op->stateful) {
      EXPECT_EQ(kind_of(s, int(i)), RegionKind::Serial) << g.nodes[i]->op->name;
    }
  }
  // A recurrence (an SCC, which includes every cell's reads and writes) lives in one region.
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (g.scc[i] == g.scc[j]) {
        EXPECT_EQ(s.region_of[i], s.region_of[j]) << "nodes " << i << " and " << j;
      }
  for (const auto& cell : g.cells)
    for (int w : cell.writes)
      for (int r : cell.reads) EXPECT_EQ(s.region_of[size_t(w)], s.region_of[size_t(r)]);
}

// The memory plan: no overlap among live buffers (the planner's own check), and, checked
// independently here, every block buffer lives from its producer to its last consumer. A
// node without rows is one a GPU window's readers read through (schedule.hpp,
// read_through): a node of a region of windows that no other region reads, or a view or
// a tape's read that only regions of windows of its hop read; its consumers are those
// of its input.
void expect_memory_plan_sound(const Schedule& s) {
  EXPECT_NO_THROW(check_no_overlap(s));
  const Graph& g = s.graph;
  const auto rowless = [&](int i) {
    return s.storage[size_t(i)] == Storage::Block && s.block_buf[size_t(i)] < 0;
  };
  // The latest region that computes node i's value where it reads it, or reads it.
  std::function<int(int)> last_reader = [&](int i) {
    int last = s.region_of[size_t(i)];
    for (int u : g.users[size_t(i)])
      last = std::max(last, rowless(u) ? last_reader(u) : s.region_of[size_t(u)]);
    return last;
  };
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (int b : s.state[i]) EXPECT_TRUE(s.buffers[size_t(b)].persistent) << "state of node " << i;
    if (s.storage[i] != Storage::Block) continue;
    if (s.block_buf[i] < 0) {
      const std::string what = g.nodes[i]->op->name + "#" + std::to_string(i);
      const Region& region = s.regions[size_t(s.region_of[i])];
      EXPECT_TRUE(s.parallel_windows && region.windows) << what;
      const OpDef& op = *g.nodes[i]->op;
      const bool picks = !op.element_computes && !op.element_stores_state;
      for (int u : g.users[i]) {
        const Region& reader = s.regions[size_t(s.region_of[size_t(u)])];
        if (s.region_of[size_t(u)] == s.region_of[i]) continue;
        EXPECT_TRUE(picks && reader.windows && reader.hop == region.hop) << what;
      }
      continue;
    }
    const Buffer& b = s.buffers[size_t(s.block_buf[i])];
    if (b.persistent) continue;
    EXPECT_LE(b.first_region, s.region_of[i]) << b.what;
    EXPECT_GE(b.last_region, last_reader(int(i))) << b.what;
  }
  for (const Buffer& b : s.buffers) EXPECT_LE(b.offset + b.bytes, s.arena_bytes) << b.what;
}

const double kTwoPi = 2 * std::numbers::pi;

TEST(Schedule, ConstantBiquadCoefficientsAreStatic) {
  const Schedule s = schedule_of({biquad(noise(), 1000.0, 0.7, 1.0, 0)});
  expect_well_formed(s);
  for (const char* op : {"cos", "sin", "div", "samplerate"}) {
    SCOPED_TRACE(op);
    const auto nodes = nodes_of_op(s, op);
    ASSERT_FALSE(nodes.empty());
    for (int i : nodes) EXPECT_EQ(s.region_of[size_t(i)], 0);
  }
  for (int i : nodes_of_op(s, "history_write")) EXPECT_EQ(kind_of(s, i), RegionKind::Serial);
}

TEST(Schedule, ModulatedFilterHasParallelCoefficientMathBetweenSerialRegions) {
  const Value cutoff = 1000.0 + 500.0 * sin(kTwoPi * phasor(3.0));
  const Schedule s = schedule_of({biquad(noise(), cutoff, 0.7, 1.0, 0)});
  expect_well_formed(s);
  const auto phasors = nodes_of_op(s, "phasor"), writes = nodes_of_op(s, "history_write");
  ASSERT_EQ(phasors.size(), 1u);
  ASSERT_FALSE(writes.empty());
  const int lfo_region = s.region_of[size_t(phasors[0])],
            filter_region = s.region_of[size_t(writes[0])];
  EXPECT_EQ(kind_of(s, phasors[0]), RegionKind::Serial);
  EXPECT_EQ(kind_of(s, writes[0]), RegionKind::Serial);
  // cos(w0) of the coefficients: frame rate, stateless, in between.
  const auto cosines = nodes_of_op(s, "cos");
  ASSERT_EQ(cosines.size(), 1u);
  const int coefficient_region = s.region_of[size_t(cosines[0])];
  EXPECT_EQ(kind_of(s, cosines[0]), RegionKind::Parallel);
  EXPECT_LT(lfo_region, coefficient_region);
  EXPECT_LT(coefficient_region, filter_region);
}

// A spectral loss's running total over its windows (a recurrence at the hop's rate) keeps
// a region of its own, without the frame-rate math after it, and that region's loop
// visits the block's hop frames alone, not every frame testing it against the hop.
TEST(Schedule, RunningTotalOverWindowsLoopsOverHopFrames) {
  const Schedule s = schedule_of({spectral_loss(in(1), in(2), {.n = 64, .hop = 16})});
  expect_well_formed(s);
  const auto writes = nodes_of_op(s, "history_write");
  ASSERT_FALSE(writes.empty());
  for (int w : writes) {
    const Region& region = s.regions[size_t(s.region_of[size_t(w)])];
    EXPECT_EQ(region.kind, RegionKind::Serial);
    for (int i : region.nodes)
      EXPECT_TRUE(s.graph.nodes[size_t(i)]->rate.is_hop())
          << s.graph.nodes[size_t(i)]->op->name << "#" << i << "\n"
          << s.describe();
  }
  const std::string c = render_c(s);
  EXPECT_NE(c.find("const int64_t i = ((T0 + 16 - 1) / 16 * 16 - T0) + k * 16;"), std::string::npos)
      << c;
  // The levels of two resolutions (hops 16 and 64) in regions of their own hop: joined,
  // one loop would visit every 16th frame for both, as the six of the multi-resolution
  // loss's did (1.2 ms a run on the H100 at 64 lanes, their hop-16 region's 0.5).
  MrstftOptions o;
  o.sizes = {64, 256};
  const Schedule m = schedule_of({mrstft_loss(in(1), in(2), o)});
  expect_well_formed(m);
  std::set<int64_t> hops;
  for (int w : nodes_of_op(m, "history_write")) {
    const Region& region = m.regions[size_t(m.region_of[size_t(w)])];
    const Rate rate = m.graph.nodes[size_t(w)]->rate;
    hops.insert(rate.hop);
    EXPECT_EQ(region.hop, rate.hop) << m.describe();
    for (int i : region.nodes) EXPECT_EQ(m.graph.nodes[size_t(i)]->rate, rate) << m.describe();
  }
  EXPECT_EQ(hops, (std::set<int64_t>{16, 64}));
}

// With parallel windows (a GPU's schedule) a gradient's total over frames whose input
// comes from frame-parallel work does a block's frames at once, in a region of its own
// (its CTA's threads share the frames); one whose input a recurrence's loop computes
// joins that loop. C's schedules keep every total in a serial loop.
TEST(Schedule, TotalsOverFramesAtOnceUnlessARecurrenceComputesTheirInput) {
  Param gain("gain", 0.5f), feedback("feedback", 0.3f);
  History h;
  const Value echo = h.write(in(1) + feedback * h.read());
  const Value loss = spectral_loss(in(1) * gain, in(2), {.n = 64, .hop = 16}) + echo * echo;
  const auto programs = test::gradient_schedules(loss, 4, 512);
  const Schedule& backward = programs->schedules.back();
  expect_well_formed(backward);
  int at_once = 0, in_recurrence = 0;
  for (int i : nodes_of_op(backward, "frame_sum")) {
    const Region& region = backward.regions[size_t(backward.region_of[size_t(i)])];
    if (region.at_once) {
      ++at_once;
      EXPECT_EQ(region.nodes.size(), 1u) << backward.describe();
    } else {
      EXPECT_EQ(region.kind, RegionKind::Serial);
      in_recurrence += std::any_of(region.nodes.begin(), region.nodes.end(), [&](int n) {
        return backward.graph.nodes[size_t(n)]->op->name == "history_write";
      });
    }
  }
  EXPECT_EQ(at_once, 1) << backward.describe();        // gain's, from the spectral windows
  EXPECT_EQ(in_recurrence, 1) << backward.describe();  // feedback's, beside its recurrence
  const Schedule c = schedule_of({loss});
  for (const Region& region : c.regions) EXPECT_FALSE(region.at_once);
}

// The backward of a spectral loss with its input's gradient pads the window's adjoint in
// the region of windows before the level's scan and transforms it in the one after: the
// pad is read through there (no rows), and the rows it reads live until that region.
TEST(Schedule, AViewThatALaterWindowRegionReadsIsReadThroughThere) {
  Param gain("gain", 0.5f);
  const Value loss = spectral_loss(in(1) * gain, in(2), {.n = 64, .hop = 16});
  const auto programs = test::gradient_schedules(loss, 4, 512, 256, /*input_grads=*/true);
  const Schedule& backward = programs->schedules.back();
  expect_well_formed(backward);
  expect_memory_plan_sound(backward);
  int across = 0;
  for (int i : nodes_of_op(backward, "pad")) {
    const auto& users = backward.graph.users[size_t(i)];
    if (std::none_of(users.begin(), users.end(), [&](int u) {
          return backward.region_of[size_t(u)] != backward.region_of[size_t(i)];
        }))
      continue;
    ++across;
    EXPECT_TRUE(read_through(backward, i)) << "pad#" << i << "\n" << backward.describe();
    EXPECT_EQ(backward.block_buf[size_t(i)], -1);
  }
  EXPECT_GE(across, 1) << backward.describe();
}

TEST(Schedule, FeedbackThroughADelayIsOneSerialRegion) {
  History h;
  const Value y = h.write(tanh(0.5 * delay(h.read(), 3.0, 8) + noise()));
  const Schedule s = schedule_of({y});
  expect_well_formed(s);
  const auto d = nodes_of_op(s, "delay"), w = nodes_of_op(s, "history_write");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(s.region_of[size_t(d[0])], s.region_of[size_t(w[0])]);
}

// Cheap stateless scalar math after a recurrence (the biquad's feed-forward sum, the x[t-1]
// copies, the out) joins the serial loop instead of getting a loop of its own: a
// constant-coefficient biquad is one parallel input pass and one serial loop.
TEST(Schedule, CheapScalarMathJoinsTheSerialLoop) {
  const Schedule s = schedule_of({biquad(in(1), 1000.0, 0.7, 1.0, 0)});
  expect_well_formed(s);
  ASSERT_EQ(s.regions.size(), 3u) << s.describe();
  EXPECT_EQ(s.regions[1].kind, RegionKind::Parallel);
  EXPECT_EQ(s.regions[2].kind, RegionKind::Serial);
  for (const char* op : {"history_write", "add", "out"})
    for (int i : nodes_of_op(s, op)) {
      if (!s.graph.nodes[size_t(i)]->rate.is_static()) {  // not the coefficient math
        EXPECT_EQ(s.region_of[size_t(i)], 2) << op << "#" << i;
      }
    }
  // Math with calls stays out of serial loops: sin of an LFO runs in a parallel region.
  const Schedule lfo = schedule_of({sin(kTwoPi * phasor(3.0)) + 1.0});
  for (int i : nodes_of_op(lfo, "sin")) EXPECT_EQ(kind_of(lfo, i), RegionKind::Parallel);
}

// Window work (hop nodes in no recurrence) runs in regions of its own after the
// recurrence that feeds it, not inside its loop.
TEST(Schedule, WindowWorkRunsAfterTheRecurrenceThatFeedsIt) {
  History h;
  const Value y = h.write(0.5 * h.read() + noise());
  const auto [re, im] = fft(buffer(y, 64, 16) * hann(64));
  const Schedule s = schedule_of({y, sum(re * re + im * im)});
  expect_well_formed(s);
  const auto writes = nodes_of_op(s, "history_write"), ffts = nodes_of_op(s, "fft_complex");
  ASSERT_EQ(writes.size(), 1u);
  ASSERT_EQ(ffts.size(), 1u);
  EXPECT_LT(s.region_of[size_t(writes[0])], s.region_of[size_t(ffts[0])]) << s.describe();
  for (int i : nodes_of_op(s, "buffer"))
    EXPECT_NE(s.region_of[size_t(i)], s.region_of[size_t(writes[0])]) << s.describe();
}

// On the GPU, a scan computes the frame values it alone reads in its own passes rather
// than reading them back from a grid that wrote them per lane and frame: the modulated
// filter's coefficients join its scan, and in the backward program the tapes are read
// where the adjoint recurrence needs them, with no region that copies them to a block
// buffer first. So at 16384 lanes too: a GPU full of lanes still runs scans.
TEST(Schedule, OnTheGpuAScanComputesWhatOnlyItReads) {
  Param base("cutoff", 1000.0f);
  const Value cutoff = base * (1.0 + 0.5 * sin(kTwoPi * phasor(3.0)));
  const Value y = biquad(in(1), cutoff, 0.7, 1.0, 0);
  const auto region_of_op = [](const Schedule& s, const char* op) {
    const auto nodes = nodes_of_op(s, op);
    return nodes.empty() ? -1 : s.region_of[size_t(nodes.front())];
  };
  for (int lanes : {64, 16384}) {
    const Schedule scanned = test::forward_schedule({y}, lanes);
    expect_well_formed(scanned);
    expect_memory_plan_sound(scanned);
    const int filter = region_of_op(scanned, "history_write");
    EXPECT_GT(scanned.regions[size_t(filter)].scan.chunk, 0) << scanned.describe();
    for (const char* op : {"cos", "div"})
      EXPECT_EQ(region_of_op(scanned, op), filter) << op << " at " << lanes << " lanes";
  }

  const auto programs = test::gradient_schedules(mse(y, in(2)), 64, 256);
  ASSERT_EQ(programs->schedules.size(), 2u);
  const Schedule& backward = programs->schedules[1];
  expect_well_formed(backward);
  expect_memory_plan_sound(backward);
  const auto reads = nodes_of_op(backward, "tape_read");
  ASSERT_FALSE(reads.empty());
  for (int i : reads) {
    const Region& region = backward.regions[size_t(backward.region_of[size_t(i)])];
    EXPECT_GT(region.scan.chunk, 0) << "tape_read#" << i << "\n" << backward.describe();
    EXPECT_NE(backward.storage[size_t(i)], Storage::Block) << "tape_read#" << i;
  }
}

// The forward program of a gradient writes tapes of the values its backward needs: on the
// GPU, a tape of a value a scan computes is written by the scan, where the value is a
// local, instead of by a grid over frames that reads the value back from a block buffer.
// The modulated filter's forward program is then its scans alone. In the backward, the
// params' gradients (totals over frames of the math on the adjoint, with the input's
// gradient as an output) are summed by the scan that computes the adjoint. From 4096 lanes
// the phase every lane shares is a scan of lane 0 alone, and the filter's scan writes the
// tapes of what it reads from there; at 1024 it is part of every lane's scan.
class OnTheGpuAScan : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Lanes, OnTheGpuAScan, ::testing::Values(64, 1024, 4096));

TEST_P(OnTheGpuAScan, WritesTheTapesAndTotalsOfWhatItComputes) {
  Param base("cutoff", 1000.0f);
  const Value cutoff = base * (1.0 + 0.5 * sin(kTwoPi * phasor(3.0)));
  const Value y = biquad(in(1), cutoff, 0.7, 1.0, 0);
  const auto programs =
      test::gradient_schedules(mse(y, in(2)), GetParam(), 256, 256, /*input_grads=*/true);
  const Schedule& forward = programs->schedules.at(0);
  expect_well_formed(forward);
  expect_memory_plan_sound(forward);
  const auto tapes = nodes_of_op(forward, "tape_write");
  ASSERT_GE(tapes.size(), 8u);
  for (int i : tapes)
    EXPECT_GT(forward.regions[size_t(forward.region_of[size_t(i)])].scan.chunk, 0)
        << "tape_write#" << i << "\n"
        << forward.describe();
  for (size_t r = 1; r < forward.regions.size(); ++r)
    EXPECT_NE(forward.regions[r].kind, RegionKind::Parallel) << forward.describe();
  const int sine_of_phase = nodes_of_op(forward, "sin").front();
  EXPECT_EQ(forward.regions[size_t(forward.region_of[size_t(sine_of_phase)])].one_lane,
            GetParam() >= 4096)
      << forward.describe();
  for (int i : nodes_of_op(forward, "cos"))
    EXPECT_EQ(forward.storage[size_t(i)], Storage::Local) << "cos#" << i;

  const Schedule& backward = programs->schedules.at(1);
  expect_well_formed(backward);
  expect_memory_plan_sound(backward);
  const auto totals = nodes_of_op(backward, "frame_sum");
  ASSERT_FALSE(totals.empty());
  for (int i : totals)
    EXPECT_GT(backward.regions[size_t(backward.region_of[size_t(i)])].scan.chunk, 0)
        << "frame_sum#" << i << "\n"
        << backward.describe();
}

TEST(Schedule, DescribeListsRegionsAndBuffers) {
  const Schedule s =
      schedule_of({biquad(noise(), 1000.0 + 500.0 * sin(kTwoPi * phasor(3.0)), 0.7, 1.0, 0)});
  const std::string text = s.describe();
  for (const char* part :
       {"region 0: static", "frame-parallel", "frame-serial", "buffers:", "arena"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " not in:\n" << text;
}

class RandomGraphSchedules : public ::testing::TestWithParam<uint32_t> {};

// As the C backend and as the GPU schedule them (windows in parallel, scans, what only a
// scan reads in it). One test for both: each test is a process of its own under ctest.
TEST_P(RandomGraphSchedules, AreWellFormedWithASoundMemoryPlan) {
  const test::RandomGraph g = test::random_graph(GetParam());
  SCOPED_TRACE(g.describe());
  for (const Schedule& s :
       {schedule_of(g.outputs, g.lanes), test::forward_schedule(g.outputs, g.lanes)}) {
    SCOPED_TRACE(s.parallel_windows ? "as the GPU schedules it" : "as C schedules it");
    expect_well_formed(s);
    expect_memory_plan_sound(s);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomGraphSchedules, ::testing::Range(0u, 200u));

}  // namespace
}  // namespace dgen

// Generated C grows linearly with the graph (docs/ARCHITECTURE.md): a patch of thousands
// of scalar nodes becomes many C functions of bounded size, not one function whose
// compile time grows faster than linearly. Sizes are counted, never timed.
#include <algorithm>
#include <string>

#include "backend/c/render_c.hpp"
#include "schedule/schedule.hpp"
#include "support.hpp"

namespace dgen {
namespace {

// n phasors at 100, 100.37, 100.74... Hz, summed and scaled to [0, 1).
Value summed_phasors(int n) {
  Value sum = phasor(100.0);
  for (int k = 1; k < n; ++k) sum = sum + phasor(100.0 + 0.37 * k);
  return sum * (1.0 / n);
}

struct CodeSize {
  size_t nodes = 0, bytes = 0;
  size_t largest_function = 0;          // statements (';') in the largest C function
  size_t functions = 0, inlinable = 0;  // region functions, those GCC may inline
};

std::string source_of(int phasors) {
  return render_c(make_schedule({out(summed_phasors(phasors), 1).node()}, 1));
}

// Functions start at column 0 and end with a "}" line at column 0.
CodeSize code_size(int phasors) {
  const Schedule s = make_schedule({out(summed_phasors(phasors), 1).node()}, 1);
  const std::string src = render_c(s);
  CodeSize size{s.graph.nodes.size(), src.size(), 0};
  size_t statements = 0;
  bool inside = false;
  for (size_t at = 0; at < src.size();) {
    const size_t end = std::min(src.find('\n', at), src.size());
    const std::string line = src.substr(at, end - at);
    if (!inside && line.find(") {") != std::string::npos && line[0] != ' ') {
      inside = true;
      statements = 0;
      const bool split = line.rfind("DGEN_SPLIT ", 0) == 0;
      if (split || line.rfind("static ", 0) == 0) {
        ++size.functions;
        size.inlinable += !split;
      }
    } else if (inside && line == "}") {
      inside = false;
      size.largest_function = std::max(size.largest_function, statements);
    }
    statements += size_t(std::count(line.begin(), line.end(), ';'));
    at = end + 1;
  }
  return size;
}

TEST(LargePrograms, GeneratedCodeGrowsLinearlyWithTheGraph) {
  const CodeSize small = code_size(500), large = code_size(4000);
  ASSERT_GT(large.nodes, 7 * small.nodes);
  const double small_per_node = double(small.bytes) / double(small.nodes);
  const double large_per_node = double(large.bytes) / double(large.nodes);
  // Longer names (v7999 against v999) cost a few bytes more per node; nothing else may grow.
  EXPECT_LT(large_per_node, 1.1 * small_per_node);
  // The largest function does not grow with the graph: it is bounded by the region size.
  EXPECT_LE(large.largest_function, small.largest_function);
  EXPECT_LT(large.largest_function, 16 * kMaxRegionNodes);
  // GCC may not merge them back into one.
  EXPECT_GT(large.functions, 4000 / kMaxRegionNodes);
  EXPECT_EQ(large.inlinable, 0u);
}

// Above kOneFunctionUpTo nodes, GCC compiles the region functions at -O1 (its -O3 passes
// tripled the compile time of 4000 phasors: docs/PERFORMANCE.md); clang, which has no
// optimize attribute, only keeps them apart. Smaller programs are generated as before.
TEST(LargePrograms, SplitFunctionsAreOptimisedCheaplyByGcc) {
  const std::string large = source_of(4000);
  const size_t gcc = large.find("#if defined(__GNUC__) && !defined(__clang__)\n");
  const size_t o1 = large.find(
      "#define DGEN_SPLIT static __attribute__((noinline, optimize(\"O1\"))) void\n#else\n"
      "#define DGEN_SPLIT static __attribute__((noinline)) void\n#endif\n");
  ASSERT_NE(gcc, std::string::npos);
  EXPECT_EQ(o1, gcc + std::string("#if defined(__GNUC__) && !defined(__clang__)\n").size());
  EXPECT_LT(o1, large.find("DGEN_SPLIT dgen_"));
  const std::string small = source_of(250);  // 1003 nodes: one function after inlining
  EXPECT_EQ(small.find("DGEN_SPLIT"), std::string::npos);
  EXPECT_EQ(small.find("optimize"), std::string::npos);
  EXPECT_EQ(small.find("noinline"), std::string::npos);
}

TEST(LargePrograms, FourThousandPhasorsMatchTheInterpreter) {
  const Value sum = summed_phasors(4000);
  test::expect_close_to_reference(test::render1(sum, 300, Backend::C),
                                  test::render1(sum, 300, Backend::Interp));
}

TEST(LargePrograms, RegionsAreSplitBetweenSccs) {
  const Schedule s = make_schedule({out(summed_phasors(1000), 1).node()}, 1);
  for (size_t r = 1; r < s.regions.size(); ++r)
    EXPECT_LE(s.regions[r].nodes.size(), kMaxRegionNodes);
  EXPECT_GT(s.regions.size(), 2 * 1000 / kMaxRegionNodes);
}

}  // namespace
}  // namespace dgen

// The differential suite over random graphs: every generated graph (deterministic seeds)
// renders the same on the C backend as on the reference interpreter.
#include "core/random_graph.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr int64_t kFrames = 600;  // more than two blocks of the C backend

class RandomGraphs : public ::testing::TestWithParam<uint32_t> {};

TEST_P(RandomGraphs, CAgreesWithInterpreter) {
  const test::RandomGraph g = test::random_graph(GetParam());
  SCOPED_TRACE(g.describe());
  test::expect_backends_agree(g.outputs, kFrames, g.lanes);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomGraphs, ::testing::Range(0u, 200u));

}  // namespace
}  // namespace dgen

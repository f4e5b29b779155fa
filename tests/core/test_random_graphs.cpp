// The differential suite over random graphs: every generated graph (deterministic seeds)
// renders the same on every backend present as on the reference interpreter.
#include "core/random_graph.hpp"
#include "support.hpp"

namespace dgen {
namespace {

constexpr int64_t kFrames = 600;  // more than two blocks of the C backend

class RandomGraphs : public ::testing::TestWithParam<std::tuple<test::BackendParam, uint32_t>> {};

TEST_P(RandomGraphs, AgreesWithInterpreter) {
  const auto& [backend, seed] = GetParam();
  const test::RandomGraph g = test::random_graph(seed);
  SCOPED_TRACE(g.describe());
  test::expect_agrees_with_interpreter(backend.backend, g.outputs, kFrames, g.lanes);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomGraphs,
                         ::testing::Combine(::testing::ValuesIn(test::compared_backends()),
                                            ::testing::Range(0u, 200u)),
                         [](const auto& info) {
                           return std::get<0>(info.param).name + "_" +
                                  std::to_string(std::get<1>(info.param));
                         });
// Without a compiled backend here there is nothing to compare.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RandomGraphs);

}  // namespace
}  // namespace dgen

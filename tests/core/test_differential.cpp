// The differential suite, op by op: every op (every public function of ops.hpp and so every
// registered primitive, forward and adjoint) rendered by every backend present and by the
// reference interpreter must agree: forward values within 1e-5 (1 + max |ref|), param
// gradients within 1e-4 (1 + max |ref|), unless a case sets its own tolerance for a
// backend (op_cases.hpp). A coverage test fails when a registered op is in no case.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "analysis/graph.hpp"
#include "core/op_cases.hpp"
#include "dgen/grad.hpp"
#include "ir/op_table.hpp"
#include "support.hpp"

namespace dgen {
namespace {

using test::kCaseFrames;

std::string case_name(const std::string& name) {
  std::string out;
  for (char ch : name) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out;
}

// "C_abs": the backend and the case.
template <class Case>
std::string test_name(const ::testing::TestParamInfo<std::tuple<test::BackendParam, Case>>& info) {
  return std::get<0>(info.param).name + "_" + case_name(std::get<1>(info.param).name);
}

class Forward : public ::testing::TestWithParam<std::tuple<test::BackendParam, test::OpCase>> {};

TEST_P(Forward, AgreesWithInterpreter) {
  const auto& [backend, c] = GetParam();
  const std::vector<Value> values = c.build();
  const std::vector<float> x = test::case_input();
  const std::vector<InputChannel> inputs = {{1, x}, {3, x}};
  const auto ref = test::render(values, kCaseFrames, Backend::Interp, c.lanes, 44100, inputs);
  const auto got = test::render(values, kCaseFrames, backend.backend, c.lanes, 44100, inputs);
  ASSERT_EQ(got.size(), ref.size());
  for (size_t k = 0; k < ref.size(); ++k) {
    SCOPED_TRACE("output " + std::to_string(k));
    test::expect_close_to_reference(got[k], ref[k],
                                    test::tolerance(c.rel, backend.backend, test::kForwardRel));
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, Forward,
                         ::testing::Combine(::testing::ValuesIn(test::compared_backends()),
                                            ::testing::ValuesIn(test::forward_cases())),
                         test_name<test::OpCase>);
// Without a compiled backend here there is nothing to compare.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Forward);

struct Gradients {
  double loss;
  std::vector<std::pair<std::string, std::vector<double>>> grads;  // by param, sorted
  std::string schedules;
};

Gradients differentiate(const test::GradCase& c, Backend backend) {
  RenderOptions o;
  o.backend = backend;
  o.lanes = c.lanes;
  GradProgram program(c.loss(), o);
  Gradients g{program.run(kCaseFrames), {}, program.describe()};
  for (const Param& p : program.params()) g.grads.push_back({p.name(), p.grad()});
  std::sort(g.grads.begin(), g.grads.end());
  return g;
}

class Gradient : public ::testing::TestWithParam<std::tuple<test::BackendParam, test::GradCase>> {};

TEST_P(Gradient, AgreesWithInterpreter) {
  const auto& [backend, c] = GetParam();
  const double rel = test::tolerance(c.rel, backend.backend, test::kGradientRel);
  const Gradients ref = differentiate(c, Backend::Interp);
  const Gradients got = differentiate(c, backend.backend);
  EXPECT_NEAR(got.loss, ref.loss, rel * (1 + std::fabs(ref.loss)));
  ASSERT_EQ(got.grads.size(), ref.grads.size());
  for (size_t k = 0; k < ref.grads.size(); ++k) {
    SCOPED_TRACE("param " + ref.grads[k].first);
    ASSERT_EQ(got.grads[k].second.size(), ref.grads[k].second.size());
    double peak = 0;
    for (double g : ref.grads[k].second) peak = std::max(peak, std::fabs(g));
    EXPECT_GT(peak, 0) << "every param of a case moves its loss; a zero gradient compares nothing";
    for (size_t e = 0; e < ref.grads[k].second.size(); ++e)
      EXPECT_NEAR(got.grads[k].second[e], ref.grads[k].second[e], rel * (1 + peak))
          << "element " << e;
  }
}

INSTANTIATE_TEST_SUITE_P(Losses, Gradient,
                         ::testing::Combine(::testing::ValuesIn(test::compared_backends()),
                                            ::testing::ValuesIn(test::gradient_cases())),
                         test_name<test::GradCase>);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Gradient);

// The op names in a schedule description ("... nodes: op#3 op#4").
void collect_ops(const std::string& description, std::set<std::string>& ops) {
  size_t at = 0;
  while ((at = description.find('#', at)) != std::string::npos) {
    size_t start = at;
    while (start > 0 && (std::isalnum(static_cast<unsigned char>(description[start - 1])) ||
                         description[start - 1] == '_'))
      --start;
    ops.insert(description.substr(start, at - start));
    ++at;
  }
}

TEST(DifferentialCoverage, EveryRegisteredOpHasACase) {
  std::set<std::string> covered;
  for (const test::OpCase& c : test::forward_cases()) {
    std::vector<NodeRef> outs;
    for (const Value& v : c.build()) outs.push_back(v.node());
    for (const Node* n : build_graph(outs).nodes) covered.insert(n->op->name);
  }
  for (const test::GradCase& c : test::gradient_cases())
    collect_ops(differentiate(c, Backend::Interp).schedules, covered);
  std::string missing;
  // Ops whose names start with "test_" are registered by tests themselves (e.g. an op
  // without an adjoint, to check the error) and are not part of the product.
  for (const OpDef* op : all_ops())
    if (!covered.count(op->name) && op->name.rfind("test_", 0) != 0) missing += " " + op->name;
  EXPECT_TRUE(missing.empty()) << "ops without a differential case:" << missing;
}

}  // namespace
}  // namespace dgen

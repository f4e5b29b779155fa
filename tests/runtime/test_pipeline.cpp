// The pipeline's dumps (src/runtime/pipeline.hpp): each stage prints what it made, the
// same text whether asked through DGEN_DEBUG or dump() (dgen info --dump).
#include <gtest/gtest.h>

#include <regex>

#include "core/env_var.hpp"
#include "dgen/dgen.hpp"
#include "runtime/pipeline.hpp"

namespace dgen {
namespace {

using pipeline::Stage;

std::vector<NodeRef> biquad_program() {
  return {out(biquad(noise(7), 800.0, 0.7, 0.0, 0), 1).node()};
}

std::vector<std::string> lines_matching(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    out.push_back(it->str());
  return out;
}

TEST(Pipeline, StagesAreNamedInOrder) {
  EXPECT_EQ(pipeline::stage_names(),
            (std::vector<std::string>{"graph", "stack", "schedule", "lir", "source"}));
  for (size_t k = 0; k < pipeline::stage_names().size(); ++k)
    EXPECT_EQ(pipeline::stage_named(pipeline::stage_names()[k]), Stage(k));
  EXPECT_FALSE(pipeline::stage_named("ast"));
}

// A biquad is four history cells (x[t-1], x[t-2], y[t-1], y[t-2]): the graph dump shows
// each with one read and one write, and the reads as nodes of the cell.
TEST(Pipeline, GraphDumpNamesTheBiquadsHistoryCells) {
  const std::string graph = pipeline::dump(Stage::Graph, biquad_program(), 1, Backend::Interp);
  EXPECT_EQ(lines_matching(graph, "\n  cell [0-3] \\[\\]: reads #[0-9]+, writes #[0-9]+").size(),
            4u)
      << graph;
  EXPECT_EQ(lines_matching(graph, "history_read \\[\\] frame[^\n]* cell [0-3]").size(), 4u)
      << graph;
  EXPECT_EQ(lines_matching(graph, "history_write \\(#[0-9]+\\) \\[\\] frame[^\n]* cell").size(), 4u)
      << graph;
  EXPECT_NE(graph.find("recurrence"), std::string::npos) << graph;
  EXPECT_NE(graph.find(" out (#"), std::string::npos) << graph;
  EXPECT_NE(graph.find("ints=[1]"), std::string::npos) << "out's channel attribute\n" << graph;
}

TEST(Pipeline, ScheduleDumpIsTheProgramsSchedule) {
  const Program program(std::vector<Value>{Value(biquad_program()[0])},
                        {.backend = Backend::Interp});
  EXPECT_EQ(pipeline::dump(Stage::Schedule, biquad_program(), 1, Backend::Interp),
            program.describe());
}

TEST(Pipeline, SourceDumpIsTheCTheCompilerGets) {
  const Program program(std::vector<Value>{Value(biquad_program()[0])}, {.backend = Backend::C});
  const std::string source = pipeline::dump(Stage::Source, biquad_program(), 1, Backend::C);
  EXPECT_EQ(source, program.source());
  EXPECT_NE(source.find("void dgen_run("), std::string::npos);
}

// The loop IR is the body of dgen_run: every line of it is in the source.
TEST(Pipeline, LirDumpIsTheBodyOfTheSource) {
  const std::string lir = pipeline::dump(Stage::Lir, biquad_program(), 1, Backend::C);
  const std::string source = pipeline::dump(Stage::Source, biquad_program(), 1, Backend::C);
  EXPECT_NE(lir.find("for (int64_t b0 = 0; b0 < frames; b0 += BLK) {"), std::string::npos) << lir;
  EXPECT_EQ(lir.find("#include"), std::string::npos) << lir;
  size_t start = 0, lines = 0;
  for (size_t end; (end = lir.find('\n', start)) != std::string::npos; start = end + 1, ++lines)
    ASSERT_NE(source.find(lir.substr(start, end - start)), std::string::npos)
        << lir.substr(start, end - start);
  EXPECT_GT(lines, 10u);
}

TEST(Pipeline, InterpreterHasNoSourceToDump) {
  for (Stage stage : {Stage::Lir, Stage::Source})
    EXPECT_THROW(pipeline::dump(stage, biquad_program(), 1, Backend::Interp), Error);
}

TEST(Pipeline, DgenDebugPrintsEachStageOfEveryProgramToStderr) {
  test::ScopedEnv debug("DGEN_DEBUG", "graph,schedule,lir,source");
  testing::internal::CaptureStderr();
  const Program program(std::vector<Value>{Value(biquad_program()[0])}, {.backend = Backend::C});
  const std::string err = testing::internal::GetCapturedStderr();
  const std::string graph = pipeline::dump(Stage::Graph, biquad_program(), 1, Backend::C);
  EXPECT_NE(err.find("dgen: graph of the program:\n" + graph), std::string::npos) << err;
  EXPECT_NE(err.find("dgen: schedule of the program:\n" + program.describe()), std::string::npos);
  EXPECT_NE(err.find("dgen: lir of the program:\n"), std::string::npos);
  EXPECT_NE(err.find("dgen: source of the program:\n" + program.source()), std::string::npos);
  EXPECT_LT(err.find("dgen: graph"), err.find("dgen: schedule"));
  EXPECT_LT(err.find("dgen: schedule"), err.find("dgen: lir"));
  EXPECT_LT(err.find("dgen: lir"), err.find("dgen: source"));
}

TEST(Pipeline, DgenDebugNamesTheForwardAndBackwardPrograms) {
  test::ScopedEnv debug("DGEN_DEBUG", "schedule");
  const Param p("p", 0.5f);
  testing::internal::CaptureStderr();
  GradProgram(mse(Value(p) * phasor(100.0), 0.0), {.backend = Backend::Interp}).run(8);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("dgen: schedule of the forward program:\n"), std::string::npos) << err;
  EXPECT_NE(err.find("dgen: schedule of the backward program:\n"), std::string::npos) << err;
  EXPECT_EQ(err.find("dgen: graph"), std::string::npos) << err;
}

TEST(Pipeline, UnknownDgenDebugStageIsAnErrorListingTheStages) {
  test::ScopedEnv debug("DGEN_DEBUG", "graph,shedule");
  try {
    Program({phasor(100.0)}, {.backend = Backend::Interp});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(
        e.what(),
        "DGEN_DEBUG: unknown stage 'shedule' (stages: graph, stack, schedule, lir, source)");
  }
}

}  // namespace
}  // namespace dgen

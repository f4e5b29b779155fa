// A training job: the NDJSON events, params.json checkpoints, result.json fields, the
// WAVs and the report, on a problem small enough to check by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "cli/cli_support.hpp"
#include "dgen/dgen.hpp"
#include "train/job.hpp"
#include "train/report.hpp"

namespace dgen::train {
namespace {

std::vector<float> sine(double amplitude, int64_t frames) {
  std::vector<float> x(static_cast<size_t>(frames));
  for (int64_t t = 0; t < frames; ++t)
    x[size_t(t)] = float(amplitude * std::sin(2 * std::numbers::pi * 440 * double(t) / 44100));
  return x;
}

std::vector<Json> ndjson(const std::string& text) {
  std::vector<Json> events;
  for (const std::string& line : test::lines(text)) events.push_back(Json::parse(line));
  return events;
}

class TrainJob : public ::testing::Test {
 protected:
  void run(int epochs, int checkpoint_every) {
    config.epochs = epochs;
    config.polish = 0;  // the optimizer's epochs alone (test_cli_train.cpp: the polish's)
    config.render.backend = Backend::C;
    job.dir = dir / "job";
    job.patch = "amp.lisp";
    job.target = "target.wav";
    job.checkpoint_every = checkpoint_every;
    EventWriter writer(out);
    ProgressBar bar(err, /*enabled=*/false, epochs);
    result = run_job(problem, config, job, writer, bar);
    events = ndjson(out.str());
  }

  test::TempDir dir;
  Param amp{"amp", 0.1f, {.min = 0.0f, .max = 1.0f}};
  TrainProblem problem{amp * sin(2 * std::numbers::pi * phasor(440.0)),
                       sine(0.5, 2048),
                       {},
                       parse_loss_spec("mse"),
                       {amp}};
  TrainConfig config;
  JobSpec job;
  std::ostringstream out, err;
  TrainResult result;
  std::vector<Json> events;
};

TEST_F(TrainJob, EventsArePlanEpochsCheckpointsResult) {
  config.search.method = "none";  // the search's events: below
  run(/*epochs=*/5, /*checkpoint_every=*/2);
  // plan, 5 epochs with checkpoints after epochs 2 and 4, result.
  std::vector<std::string> kinds;
  for (const Json& e : events) kinds.push_back(e["event"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"plan", "epoch", "epoch", "checkpoint", "epoch",
                                             "epoch", "checkpoint", "epoch", "result"}));
  const Json& plan = events[0];
  EXPECT_EQ(plan["epochs"], 5);
  EXPECT_EQ(plan["frames"], 2048);
  EXPECT_EQ(plan["loss"], "mse");
  EXPECT_EQ(plan["backend"], "c");
  EXPECT_EQ(plan["fast_math"], false);
  EXPECT_EQ(
      plan["params"][0],
      (Json{{"name", "amp"}, {"min", 0.0}, {"max", 1.0}, {"scale", "linear"}, {"seed", 0.1}}));
  const Json& first = events[1];
  EXPECT_EQ(first["epoch"], 1);
  EXPECT_EQ(first["params"]["amp"], 0.1);
  EXPECT_DOUBLE_EQ(first["loss"].get<double>(), result.initial_loss);
  EXPECT_FALSE(first.contains("lane_losses"));  // only with lanes > 1
  EXPECT_EQ(events[3]["epoch"], 2);
  EXPECT_EQ(events[3]["path"], job.dir + "/params.json");
  EXPECT_EQ(events.back()["report"], job.dir + "/report.html");
  EXPECT_EQ(err.str(), "");  // no progress bar when stderr is not a terminal
}

// --fast-math is part of the run's settings in the plan and the result (a CUDA run's losses
// differ with it; the C backend ignores it).
TEST_F(TrainJob, ThePlanAndResultSayWhetherMathIsFast) {
  config.search.method = "none";
  config.render.fast_math = true;
  run(/*epochs=*/1, /*checkpoint_every=*/0);
  EXPECT_EQ(events.front()["fast_math"], true);
  EXPECT_EQ(events.back()["event"], "result");
  EXPECT_EQ(events.back()["fast_math"], true);
}

TEST_F(TrainJob, SearchEventsComeBetweenThePlanAndTheFirstEpoch) {
  config.search.budget = 256;  // a design of 64 (a quarter, at least one run), then CMA-ES
  run(/*epochs=*/1, /*checkpoint_every=*/0);
  std::vector<std::string> kinds;
  for (const Json& e : events) kinds.push_back(e["event"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"plan", "search", "search", "search", "search",
                                             "search", "epoch", "result"}));
  EXPECT_EQ(events[0]["search"]["method"], "cmaes");
  EXPECT_EQ(events[1]["stage"], "design");
  EXPECT_EQ(events[1]["evaluations"], 64);
  EXPECT_EQ(events[2]["stage"], "cmaes");
  const Json& done = events[5];
  EXPECT_EQ(done["stage"], "done");
  EXPECT_EQ(done["evaluations"], 256);
  EXPECT_DOUBLE_EQ(done["seed_loss"].get<double>(), result.initial_loss);
  ASSERT_GE(done["starts"].size(), 1u);
  EXPECT_NEAR(done["starts"][0]["params"]["amp"].get<double>(), 0.5, 0.01);
  EXPECT_LT(done["starts"][0]["loss"].get<double>(), 1e-3 * result.initial_loss);
  EXPECT_EQ(events.back()["search"], "cmaes");
  EXPECT_EQ(events.back()["search_evaluations"], 256);
}

TEST_F(TrainJob, ThePlanShowsTheSearchBudgetChosenForTheParamCount) {
  config.search.budget = 0;     // the default: 4096 for one param (search_budget)
  config.search.seconds = 0.5;  // the budget shown is the point, not the search
  run(/*epochs=*/0, /*checkpoint_every=*/0);
  EXPECT_EQ(events[0]["search"]["budget"], 4096);
  const TrainPlan plan{result.params, result.cannot_learn, result.backend, result.search};
  EXPECT_NE(plan_text(plan, job, config.search).find("  search: cmaes, up to 4096 candidates\n"),
            std::string::npos);
}

TEST_F(TrainJob, ResultJsonHasTheSummary) {
  run(/*epochs=*/30, /*checkpoint_every=*/10);
  const Json r = Json::parse(test::read_file(job.dir + "/result.json"));
  EXPECT_DOUBLE_EQ(r["initial_loss"].get<double>(), result.initial_loss);
  EXPECT_DOUBLE_EQ(r["final_loss"].get<double>(), result.final_loss);
  const double i = r["initial_loss"], f = r["final_loss"];
  EXPECT_LT(f, i);
  EXPECT_NEAR(r["improvement_percent"].get<double>(), 100 * (i - f) / i, 1e-9);
  EXPECT_EQ(r["params"]["amp"]["from"], 0.1);
  EXPECT_EQ(r["params"]["amp"]["to"].get<float>(), amp.value());
  EXPECT_EQ(r["params"]["amp"]["scale"], "linear");
  EXPECT_GT(r["seconds"].get<double>(), 0);
  EXPECT_EQ(r["epochs"], 30);
  EXPECT_EQ(r["lanes"], 1);
  EXPECT_EQ(r["best_lane"], 0);
  EXPECT_EQ(r["patch"], "amp.lisp");
  EXPECT_EQ(r["target"], "target.wav");
  // The result event carries the same summary plus where things are.
  Json event = events.back();
  EXPECT_EQ(event["event"], "result");
  for (const char* key : {"event", "job_dir", "report"}) event.erase(key);
  EXPECT_EQ(event, r);
}

TEST_F(TrainJob, WritesParamsWavsAndReport) {
  run(/*epochs=*/20, /*checkpoint_every=*/10);
  EXPECT_EQ(test::list_dir(job.dir),
            (std::vector<std::string>{"ab.wav", "final.wav", "params.json", "previews",
                                      "report.html", "result.json", "seed.wav", "target.wav"}));
  EXPECT_EQ(test::list_dir(job.dir + "/previews"),
            (std::vector<std::string>{"epoch-0010.wav", "epoch-0020.wav"}));
  const Json params = Json::parse(test::read_file(job.dir + "/params.json"));
  EXPECT_EQ(params, (Json{{"params", {{"amp", json_number(amp.value())}}}}));
  const test::Wav seed = test::read_float_wav(test::read_file(job.dir + "/seed.wav"));
  EXPECT_EQ(seed.sample_rate, 44100);
  ASSERT_EQ(seed.channels.size(), 1u);
  EXPECT_EQ(seed.channels[0], result.seed_audio);
  const std::vector<float> want = sine(0.1, 2048);
  for (size_t t = 0; t < want.size(); ++t) ASSERT_NEAR(seed.channels[0][t], want[t], 1e-5);
  const test::Wav final_wav = test::read_float_wav(test::read_file(job.dir + "/final.wav"));
  EXPECT_EQ(final_wav.channels[0], result.final_audio);
  const std::string report = test::read_file(job.dir + "/report.html");
  EXPECT_NE(report.find("\"improvement_percent\""), std::string::npos);
  EXPECT_EQ(report.find("@DATA@"), std::string::npos);
}

// A checkpoint's preview is the output at the params of that epoch's event.
TEST_F(TrainJob, PreviewsAreTheOutputAtTheirCheckpoint) {
  config.search.method = "none";  // events: plan, then epochs and checkpoints
  run(/*epochs=*/20, /*checkpoint_every=*/10);
  const Json& epoch10 = events.at(10);
  ASSERT_EQ(epoch10["event"], "epoch");
  ASSERT_EQ(epoch10["epoch"], 10);
  const Json& checkpoint = events.at(11);
  ASSERT_EQ(checkpoint["event"], "checkpoint");
  EXPECT_EQ(checkpoint["preview"], job.dir + "/previews/epoch-0010.wav");
  const test::Wav preview = test::read_float_wav(test::read_file(checkpoint["preview"]));
  const std::vector<float> want = sine(epoch10["params"]["amp"].get<double>(), 2048);
  ASSERT_EQ(preview.channels.at(0).size(), want.size());
  for (size_t t = 0; t < want.size(); ++t) ASSERT_NEAR(preview.channels[0][t], want[t], 1e-5);
  const test::Wav target = test::read_float_wav(test::read_file(job.dir + "/target.wav"));
  EXPECT_EQ(target.channels.at(0), problem.target);
}

// The report has what a person needs: the command, the stages, waveforms, a dB scale.
TEST_F(TrainJob, ReportHasTheCommandStagesWaveformsAndColourBar) {
  job.command = "dgen train amp.lisp --target 'my target.wav'";
  config.schedule.warmup = 3;
  run(/*epochs=*/8, /*checkpoint_every=*/0);
  const std::string report = test::read_file(job.dir + "/report.html");
  EXPECT_NE(report.find("\"command\":\"dgen train amp.lisp --target 'my target.wav'\""),
            std::string::npos);
  EXPECT_NE(report.find("{\"epoch\":4,\"label\":\"full step\"}"), std::string::npos);
  EXPECT_NE(report.find("\"waveforms\":{\"target\":[["), std::string::npos);
  EXPECT_NE(report.find("loss (log scale)"), std::string::npos);
  EXPECT_NE(report.find("drawColourBar(g, s"), std::string::npos);
}

TEST(Report, WaveformIsTheMinAndMaxOfEachStretch) {
  const std::vector<float> x{0.0f, 1.0f, -2.0f, 3.0f, 0.5f, 0.25f};
  EXPECT_EQ(waveform_json(x, 3), (Json{{0.0, 1.0}, {-2.0, 3.0}, {0.25, 0.5}}));
  EXPECT_EQ(waveform_json(x, 6)[3], (Json{3.0, 3.0}));
}

TEST_F(TrainJob, AFailedJobLeavesNoFiles) {
  problem.params[0].data()->max.reset();  // not trainable: fails before any epoch
  EXPECT_THROW(run(5, 1), Error);
  EXPECT_EQ(test::list_dir(dir / "job"), std::vector<std::string>{});
}

}  // namespace
}  // namespace dgen::train

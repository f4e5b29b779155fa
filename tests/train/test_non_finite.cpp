// Training through a region where the loss is not finite (docs/TRAINING.md, "Non-finite
// losses"): the step that lands there is skipped, the lane goes back to its last finite
// point with half the step size, an event says so, and no non-finite value reaches the
// params, the events or params.json.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>

#include "cli/cli_support.hpp"
#include "dgen/dgen.hpp"
#include "train/job.hpp"
#include "train/trainer.hpp"

namespace dgen::train {
namespace {

constexpr int64_t kFrames = 2048;

std::vector<float> sine(double amplitude) {
  std::vector<float> x(static_cast<size_t>(kFrames));
  for (int64_t t = 0; t < kFrames; ++t)
    x[size_t(t)] = float(amplitude * std::sin(2 * std::numbers::pi * 440 * double(t) / 44100));
  return x;
}

// sqrt(3 − p) · sin: NaN for p > 3 and an infinite gradient at 3. The target is p = 2.9,
// so steps of about lr · 10 = 0.5 from the seed at 1 land at 3 or beyond it.
struct SqrtProblem {
  Param p{"p", 1.0f, {.min = 0.0f, .max = 10.0f}};
  TrainProblem problem{sqrt(3.0 - p) * sin(2 * std::numbers::pi * phasor(440.0)),
                       sine(std::sqrt(3.0 - 2.9)),
                       {},
                       parse_loss_spec("mse"),
                       {p}};
};

TrainConfig config(int epochs, int lanes = 1) {
  TrainConfig c;
  c.epochs = epochs;
  c.schedule.lr = 0.05;
  c.lanes = lanes;
  c.render.backend = Backend::C;
  c.search.method = "none";  // the gradient loop alone (tests/train/test_search.cpp: the search)
  c.polish = 0;              // the optimizer's steps (test_polish.cpp: the polish's)
  return c;
}

TEST(TrainNonFinite, SkipsStepsIntoTheNanRegionAndStillConverges) {
  SqrtProblem s;
  std::vector<EpochReport> epochs;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& e) { epochs.push_back(e); };
  const TrainResult r = train(s.problem, config(60), callbacks);
  int skips = 0;
  double scale = 1;
  for (const EpochReport& e : epochs) {
    for (const SkippedStep& skip : e.skipped) {
      ++skips;
      EXPECT_EQ(skip.lane, 0);
      EXPECT_TRUE(skip.reason == "the loss is nan" ||
                  skip.reason.starts_with("the gradient of 'p'"))
          << skip.reason;
      EXPECT_DOUBLE_EQ(skip.step_scale, scale / 2);  // halved at every skip
      scale = skip.step_scale;
    }
    // The epoch after a skip starts where the loss was last finite.
    if (!e.skipped.empty()) continue;
    EXPECT_TRUE(std::isfinite(e.lane_losses[0])) << "epoch " << e.epoch;
    for (const auto& v : e.best_values) EXPECT_TRUE(std::isfinite(v.at(0)));
  }
  EXPECT_GE(skips, 1);
  // It recovered: the fit is close to 2.9 and the loss is finite and small.
  EXPECT_NEAR(s.p.value(), 2.9, 0.02);
  EXPECT_TRUE(std::isfinite(r.final_loss));
  EXPECT_LT(r.final_loss, 1e-2 * r.initial_loss);
}

// A lane of several that starts in the NaN region never moves and never wins; the others
// train as usual.
TEST(TrainNonFinite, ALaneStuckInTheNanRegionDoesNotStopTheOthers) {
  SqrtProblem s;
  int skips_lane0 = 0;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& e) {
    for (const SkippedStep& skip : e.skipped) skips_lane0 += skip.lane == 0;
  };
  s.p.set(9.0f);  // lane 0 starts at the seed, deep in the NaN region
  const TrainResult r = train(s.problem, config(60, /*lanes=*/8), callbacks);
  EXPECT_EQ(skips_lane0, r.epochs_run);  // every epoch
  EXPECT_NE(r.best_lane, 0);
  EXPECT_TRUE(std::isfinite(r.final_loss));
  EXPECT_TRUE(std::isfinite(s.p.value()));
  EXPECT_LT(s.p.value(), 3.0f);
}

TEST(TrainNonFinite, JobWritesSkipEventsAndOnlyFiniteParams) {
  SqrtProblem s;
  test::TempDir dir;
  TrainConfig c = config(40);
  JobSpec job;
  job.dir = dir / "job";
  job.patch = "sqrt.lisp";
  job.target = "target.wav";
  job.checkpoint_every = 1;
  std::ostringstream out, err;
  EventWriter writer(out);
  ProgressBar bar(err, false, c.epochs);
  run_job(s.problem, c, job, writer, bar);
  int skips = 0;
  for (const std::string& line : test::lines(out.str())) {
    const Json e = Json::parse(line);
    // An epoch's loss may be NaN (written as null); params and the best loss never are.
    if (e.contains("params") && e["params"].is_object()) {
      for (const auto& [name, value] : e["params"].items()) {  // the result's: {"to": ...}
        EXPECT_TRUE(value.is_object() ? value["to"].is_number() : value.is_number()) << line;
      }
    }
    if (e.contains("best_loss")) {
      EXPECT_TRUE(e["best_loss"].is_number()) << line;
    }
    if (e["event"] != "skip") continue;
    ++skips;
    EXPECT_GT(e["epoch"].get<int>(), 0);
    EXPECT_FALSE(e.contains("lane"));  // only with lanes > 1
    EXPECT_LT(e["step_scale"].get<double>(), 1.0);
  }
  EXPECT_GE(skips, 1);
  std::ifstream in(job.dir + "/params.json");
  const Json params = Json::parse(in);
  const double p = params["params"]["p"].get<double>();
  EXPECT_TRUE(std::isfinite(p));
  EXPECT_LT(p, 3.0);
}

}  // namespace
}  // namespace dgen::train

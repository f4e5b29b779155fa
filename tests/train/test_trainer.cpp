// The training loop on problems small enough to check by hand: unit coordinates, Adam's
// first step, lanes with restarts, the best params kept, bad problems rejected, the
// polish along a ridge.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "dgen/dgen.hpp"
#include "train/trainer.hpp"

namespace dgen::train {
namespace {

constexpr double kSr = 44100;

std::vector<float> sine(double amplitude, double hz, int64_t frames) {
  std::vector<float> x(static_cast<size_t>(frames));
  for (int64_t t = 0; t < frames; ++t)
    x[size_t(t)] = float(amplitude * std::sin(2 * std::numbers::pi * hz * double(t) / kSr));
  return x;
}

// Σ_t (a − b)² of two sampled signals, in double.
double sum_squared_error(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t t = 0; t < a.size(); ++t) s += (double(a[t]) - b[t]) * (double(a[t]) - b[t]);
  return s;
}

TrainConfig config(int epochs, double lr = 0.05, int lanes = 1) {
  TrainConfig c;
  c.epochs = epochs;
  c.schedule.lr = lr;
  c.lanes = lanes;
  c.render.backend = Backend::C;
  c.search.method = "none";  // the gradient loop alone (tests/train/test_search.cpp: the search)
  c.polish = 0;              // the optimizer's epochs alone (below: the polish)
  return c;
}

// amp · sin(2π·440 t) fitted to 0.5 · sin(2π·440 t) with mse.
struct AmplitudeProblem {
  Param amp{"amp", 0.1f, {.min = 0.0f, .max = 1.0f}};
  TrainProblem problem{amp * sin(2 * std::numbers::pi * phasor(440.0)),
                       sine(0.5, 440, 4096),
                       {},
                       parse_loss_spec("mse"),
                       {amp}};
};

TEST(Trainer, FitsAnAmplitudeAndReportsLossesAndAudio) {
  AmplitudeProblem p;
  const int epochs = 80;
  std::vector<int> seen;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& e) { seen.push_back(e.epoch); };
  const TrainResult r = train(p.problem, config(epochs), callbacks);
  // The seed's loss, worked out independently: Σ (0.1 − 0.5)² sin².
  const std::vector<float> seed = sine(0.1, 440, 4096);
  EXPECT_NEAR(r.initial_loss, sum_squared_error(seed, p.problem.target), 1e-3);
  EXPECT_NEAR(p.amp.value(), 0.5, 5e-3);
  EXPECT_LT(r.final_loss, 1e-3 * r.initial_loss);
  ASSERT_EQ(r.params.size(), 1u);
  EXPECT_EQ(r.params[0].from, std::vector<float>{0.1f});
  EXPECT_EQ(r.params[0].to, p.amp.values());
  ASSERT_LE(r.epochs_run, epochs);
  // every epoch, then after the last step
  EXPECT_EQ(r.loss_curve.size(), size_t(r.epochs_run + 1));
  EXPECT_DOUBLE_EQ(r.loss_curve.front(), r.initial_loss);
  EXPECT_EQ(seen.size(), size_t(r.epochs_run));
  EXPECT_EQ(seen.back(), r.epochs_run);
  EXPECT_EQ(r.backend, Backend::C);
  // The audio is the output at the seed and at the final params.
  ASSERT_EQ(r.seed_audio.size(), 4096u);
  for (size_t t = 0; t < 4096; ++t) ASSERT_NEAR(r.seed_audio[t], seed[t], 1e-5) << t;
  const std::vector<float> fitted = sine(p.amp.value(), 440, 4096);
  for (size_t t = 0; t < 4096; ++t) ASSERT_NEAR(r.final_audio[t], fitted[t], 1e-5) << t;
  EXPECT_NEAR(r.final_loss, sum_squared_error(fitted, p.problem.target), 1e-3 * (1 + r.final_loss));
}

// Adam's first step moves every coordinate by exactly its step size against the
// gradient's sign, and the warm-up makes that lr / 10, so epoch 2 starts at
// from_unit(to_unit(seed) ∓ lr / 10): this pins the warm-up, the unit coordinates, the
// chain rule's sign and the log mapping.
TEST(Trainer, FirstStepIsLrInUnitCoordinates) {
  Param gain("gain", 0.2f, {.min = 0.0f, .max = 2.0f});         // linear
  Param freq("freq", 300.0f, {.min = 20.0f, .max = 20000.0f});  // log
  TrainProblem problem{gain * sin(2 * std::numbers::pi * phasor(freq)),
                       sine(1.0, 300, 2048),
                       {},
                       parse_loss_spec("mse"),
                       {gain, freq}};
  std::vector<EpochReport> reports;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& e) { reports.push_back(e); };
  const TrainResult r = train(problem, config(2, 0.5), callbacks);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_DOUBLE_EQ(reports[0].lr, 0.05);
  EXPECT_DOUBLE_EQ(reports[1].lr, 0.1);
  EXPECT_FLOAT_EQ(reports[0].values[0][0], 0.2f);
  EXPECT_FLOAT_EQ(reports[0].values[1][0], 300.0f);
  const UnitCoordinate g = r.params[0].coordinate, f = r.params[1].coordinate;
  EXPECT_FALSE(g.log);
  EXPECT_TRUE(f.log);
  // The gain is too low: its gradient is negative, so it rises by 0.05 of its range.
  EXPECT_NEAR(reports[1].values[0][0], g.from_unit(g.to_unit(0.2) + 0.05), 1e-5);
  EXPECT_NEAR(reports[1].values[0][0], 0.3, 1e-5);
  // The frequency moves by a factor (1000)^0.05 = 1.41 one way or the other.
  const double ratio = reports[1].values[1][0] / 300.0;
  EXPECT_NEAR(std::fabs(std::log(ratio)), 0.05 * std::log(1000.0), 1e-4);
}

TEST(Trainer, LanesKeepTheBestParamsOfAnyLane) {
  AmplitudeProblem p;
  p.amp.set(0.95f);  // a poor seed; random restarts start elsewhere
  std::vector<EpochReport> reports;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& e) { reports.push_back(e); };
  const TrainResult r = train(p.problem, config(10, 0.02, 4), callbacks);
  ASSERT_EQ(reports.size(), 10u);
  ASSERT_EQ(reports[0].lane_losses.size(), 4u);
  EXPECT_DOUBLE_EQ(reports[0].lane_losses[0], r.initial_loss);  // lane 0 is the seed
  // The restarts start at different points, so their losses differ.
  EXPECT_NE(reports[0].lane_losses[1], reports[0].lane_losses[2]);
  double lowest = r.loss_curve.back();
  for (const EpochReport& e : reports)
    for (double loss : e.lane_losses) lowest = std::min(lowest, loss);
  EXPECT_DOUBLE_EQ(r.final_loss, lowest);
  // The kept params reproduce that loss in a plain single-lane render.
  EXPECT_EQ(p.amp.data()->per_lane, false);
  ASSERT_EQ(p.amp.values().size(), 1u);
  EXPECT_NEAR(sum_squared_error(sine(p.amp.value(), 440, 4096), p.problem.target), r.final_loss,
              1e-3 * (1 + r.final_loss));
}

TEST(Trainer, RestartsFollowTheSeed) {
  auto first_losses = [](uint32_t seed) {
    AmplitudeProblem p;
    TrainConfig c = config(1, 0.05, 3);
    c.seed = seed;
    std::vector<double> losses;
    TrainCallbacks callbacks;
    callbacks.on_epoch = [&](const EpochReport& e) { losses = e.lane_losses; };
    train(p.problem, c, callbacks);
    return losses;
  };
  EXPECT_EQ(first_losses(7), first_losses(7));
  EXPECT_NE(first_losses(7)[1], first_losses(8)[1]);
}

TEST(Trainer, ZeroEpochsOnlyMeasuresTheSeed) {
  AmplitudeProblem p;
  const TrainResult r = train(p.problem, config(0));
  EXPECT_EQ(r.loss_curve.size(), 1u);
  EXPECT_DOUBLE_EQ(r.final_loss, r.initial_loss);
  EXPECT_EQ(p.amp.value(), 0.1f);
}

TEST(Trainer, RejectsParamsItCannotTrain) {
  Param open("open", 1.0f, {.min = 0.0f, .max = std::nullopt});
  TrainProblem unbounded{open * 1.0, {1.0f, 2.0f}, {}, parse_loss_spec("mse"), {open}};
  EXPECT_THROW(train(unbounded, config(1)), Error);

  Param table("table", Shape{2}, {0.5f, 0.5f}, {.min = 0.0f, .max = 1.0f});
  TrainProblem tensor{sum(table) * 1.0, {1.0f, 2.0f}, {}, parse_loss_spec("mse"), {table}};
  EXPECT_THROW(train(tensor, config(1, 0.05, 2)), Error);  // lanes need scalar params

  AmplitudeProblem p;
  p.problem.target.clear();
  EXPECT_THROW(train(p.problem, config(1)), Error);
}

// A run that cannot improve any more stops early; its result is the best params seen,
// and final_loss, the audio and the params agree with a fresh render at those params.
TEST(Trainer, StopsEarlyAndItsResultIsOneConsistentPoint) {
  AmplitudeProblem p;
  TrainConfig c = config(1000, 0.05);
  c.schedule.patience = 3;
  c.schedule.max_reductions = 2;
  const TrainResult r = train(p.problem, c);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_LT(r.epochs_run, 1000);
  EXPECT_NEAR(p.amp.value(), 0.5, 1e-3);
  EXPECT_EQ(r.params[0].to, p.amp.values());
  const std::vector<float> fitted = sine(p.amp.value(), 440, 4096);
  EXPECT_NEAR(r.final_loss, sum_squared_error(fitted, p.problem.target),
              1e-6 + 1e-4 * r.final_loss);
  EXPECT_DOUBLE_EQ(r.final_loss, *std::min_element(r.loss_curve.begin(), r.loss_curve.end()));
  for (size_t t = 0; t < fitted.size(); ++t) ASSERT_NEAR(r.final_audio[t], fitted[t], 1e-5) << t;
}

// SGD's step follows the gradient's size (here thousands of units of a [0, 1]
// coordinate); the clip keeps every step within the current step size.
TEST(Trainer, SgdStepsAreClippedToTheStepSize) {
  AmplitudeProblem p;
  TrainConfig c = config(3, 0.2);
  c.optimizer = "sgd";
  std::vector<EpochReport> reports;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& e) { reports.push_back(e); };
  train(p.problem, c, callbacks);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_NEAR(reports[1].values[0][0], 0.1 + 0.02, 1e-6);         // lr(1) = 0.2 / 10
  EXPECT_NEAR(reports[2].values[0][0], 0.1 + 0.02 + 0.04, 1e-6);  // lr(2) = 0.2 · 2 / 10
  c.optimizer = "rmsprop";
  EXPECT_THROW(train(p.problem, c), Error);
}

// Params without a gradient are reported with the reason and left as they are.
TEST(Trainer, ParamsWithoutAGradientCannotLearn) {
  AmplitudeProblem p;
  Param unused("unused", 0.3f, {.min = 0.0f, .max = 1.0f});
  Param gate("gate", 0.7f, {.min = 0.0f, .max = 1.0f});
  p.problem.output = p.problem.output * gt(gate, 0.5);
  p.problem.params = {unused, p.amp, gate};
  std::vector<std::string> planned;
  TrainCallbacks callbacks;
  callbacks.on_start = [&](const TrainPlan& plan) {
    for (const TrainedParam& t : plan.params) planned.push_back(t.param.name());
  };
  const TrainResult r = train(p.problem, config(5), callbacks);
  EXPECT_EQ(planned, std::vector<std::string>{"amp"});
  ASSERT_EQ(r.cannot_learn.size(), 2u);
  EXPECT_EQ(r.cannot_learn[0].param.name(), "unused");
  EXPECT_EQ(r.cannot_learn[0].reason, "the loss does not read it");
  EXPECT_EQ(r.cannot_learn[1].param.name(), "gate");
  EXPECT_EQ(r.cannot_learn[1].reason,
            "every path to the loss passes through an op without a derivative ('gt')");
  EXPECT_EQ(gate.value(), 0.7f);
  p.problem.params = {unused, gate};
  try {
    train(p.problem, config(5));
    FAIL() << "no param can learn";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "no param can learn; 'unused': the loss does not read it; 'gate': every path to "
              "the loss passes through an op without a derivative ('gt')");
  }
}

}  // namespace
}  // namespace dgen::train

namespace dgen::train {
namespace {

// a · x + b · y fitted to 0.3 x + 0.5 y where y is x plus a trace of another tone: the
// loss is a narrow valley along a + b = 0.8, the ridge that stalls Adam (its steps are
// the same size in every coordinate, and the schedule halves them until they stop).
std::vector<float> with_a_trace_of_another_tone(std::vector<float> x) {
  const std::vector<float> other = sine(0.01, 1234, int64_t(x.size()));
  for (size_t t = 0; t < x.size(); ++t) x[t] += other[t];
  return x;
}

std::vector<float> ridge_target(const std::vector<float>& x, const std::vector<float>& y) {
  std::vector<float> target(x.size());
  for (size_t t = 0; t < x.size(); ++t) target[t] = 0.3f * x[t] + 0.5f * y[t];
  return target;
}

struct RidgeProblem {
  std::vector<float> x = sine(1.0, 440, 4096), y = with_a_trace_of_another_tone(x);
  Param a{"a", 0.0f, {.min = -1.0f, .max = 1.0f}}, b{"b", 0.0f, {.min = -1.0f, .max = 1.0f}};
  TrainProblem problem{
      a * in(1) + b * in(2), ridge_target(x, y), {{1, x}, {2, y}}, parse_loss_spec("mse"), {a, b}};
};

TEST(Trainer, ThePolishFollowsARidgeAdamStallsOn) {
  RidgeProblem adam_only;
  const TrainResult stalled = train(adam_only.problem, config(300, 0.02, 4));
  EXPECT_TRUE(stalled.stopped_early);
  EXPECT_EQ(stalled.polish_steps, 0);
  EXPECT_GT(std::fabs(adam_only.a.value() - 0.3), 0.01) << "Adam alone should stall";

  RidgeProblem polished;
  TrainConfig c = config(300, 0.02, 4);
  c.polish = 100;
  std::vector<EpochReport> reports;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& e) { reports.push_back(e); };
  const TrainResult r = train(polished.problem, c, callbacks);
  EXPECT_NEAR(polished.a.value(), 0.3, 1e-3);
  EXPECT_NEAR(polished.b.value(), 0.5, 1e-3);
  EXPECT_LT(r.final_loss, 1e-3 * stalled.final_loss);
  // The polish's steps follow the optimizer's, numbered on, and count as epochs.
  ASSERT_GT(r.polish_steps, 0);
  EXPECT_LE(r.polish_steps, 100);
  EXPECT_EQ(r.epochs_run, int(reports.size()));
  EXPECT_EQ(r.loss_curve.size(), reports.size() + 1);
  const size_t first = reports.size() - size_t(r.polish_steps);
  for (size_t k = 0; k < reports.size(); ++k) {
    EXPECT_EQ(reports[k].epoch, int(k) + 1);
    EXPECT_EQ(reports[k].stage, k < first ? "optimizer" : "polish") << k;
  }
  EXPECT_DOUBLE_EQ(r.final_loss, *std::min_element(r.loss_curve.begin(), r.loss_curve.end()));
}

TEST(Trainer, NoPolishWithoutEpochs) {
  RidgeProblem p;
  TrainConfig c = config(0);
  c.polish = 100;
  const TrainResult r = train(p.problem, c);
  EXPECT_EQ(r.epochs_run, 0);
  EXPECT_EQ(r.polish_steps, 0);
}

}  // namespace
}  // namespace dgen::train

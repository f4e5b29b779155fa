// The search stage of `dgen train` (docs/TRAINING.md, "Global search"): the Halton
// design, CMA-ES on functions with known minima, and a search that gets a sine's
// frequency out of the octave minimum that gradient descent stays in.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "dgen/dgen.hpp"
#include "train/cmaes.hpp"
#include "train/halton.hpp"
#include "train/trainer.hpp"

namespace dgen::train {
namespace {

TEST(Halton, FillsEveryStratumOfEachAxisEvenly) {
  // The first 2^k·3^k… points of a radical-inverse sequence put exactly one point in
  // each 1/b^k stratum of the axis of base b; a shift modulo 1 keeps that up to one
  // point moving to a neighbour. 64 points, 8 strata per axis: 8 ± 1 each.
  const auto points = halton_design(64, 5, 3);
  ASSERT_EQ(points.size(), 64u);
  for (size_t k = 0; k < 5; ++k) {
    std::vector<int> strata(8, 0);
    for (const auto& p : points) {
      ASSERT_GE(p[k], 0.0);
      ASSERT_LT(p[k], 1.0);
      ++strata[size_t(p[k] * 8)];
    }
    for (int n : strata) EXPECT_NEAR(n, 8, 2) << "axis " << k;
  }
  EXPECT_EQ(halton_design(4, 2, 3), halton_design(4, 2, 3));  // deterministic per seed
  EXPECT_NE(halton_design(4, 2, 3), halton_design(4, 2, 4));
}

double minimise(const std::function<double(const std::vector<double>&)>& f,
                std::vector<double> start, int generations, std::vector<double>* at) {
  Cmaes cmaes(std::move(start), std::vector<double>(start.size(), 0.5), 16, 5);
  double best = INFINITY;
  for (int g = 0; g < generations; ++g) {
    const auto& points = cmaes.ask();
    std::vector<double> costs;
    for (const auto& p : points) {
      costs.push_back(f(p));
      if (costs.back() < best) {
        best = costs.back();
        *at = p;
      }
    }
    cmaes.tell(costs);
  }
  return best;
}

TEST(Cmaes, FindsTheMinimumOfAnIllConditionedQuadratic) {
  // Axis scales 1 … 1000: the covariance must learn them.
  const auto f = [](const std::vector<double>& x) {
    double s = 0;
    for (size_t i = 0; i < x.size(); ++i)
      s += std::pow(1000.0, double(i) / double(x.size() - 1)) * std::pow(x[i] - 0.3, 2);
    return s;
  };
  std::vector<double> at;
  const double best = minimise(f, std::vector<double>(6, 0.8), 300, &at);
  EXPECT_LT(best, 1e-8);
  for (double x : at) EXPECT_NEAR(x, 0.3, 1e-3);
}

TEST(Cmaes, FollowsTheRosenbrockValley) {
  const auto f = [](const std::vector<double>& x) {
    double s = 0;
    for (size_t i = 0; i + 1 < x.size(); ++i)
      s += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(1 - x[i], 2);
    return s;
  };
  std::vector<double> at;
  EXPECT_LT(minimise(f, {-1, 0.5, 0, 0.2}, 800, &at), 1e-6);
  for (double x : at) EXPECT_NEAR(x, 1, 1e-2);
}

TEST(Cmaes, NonFiniteCostsRankLast) {
  // Half the space is NaN; the search must still walk to the minimum at 0.7.
  const auto f = [](const std::vector<double>& x) {
    return x[0] < 0 ? std::nan("") : std::pow(x[0] - 0.7, 2) + std::pow(x[1] - 0.7, 2);
  };
  std::vector<double> at;
  EXPECT_LT(minimise(f, {0.1, 0.1}, 100, &at), 1e-8);
}

// A sine seeded an octave below the target (220 Hz for 440 Hz) under a single 2048-point
// spectral loss: its narrow bins make the loss flat between the seed's partial and the
// target's, with local minima on the way, so gradient descent alone stops short of 440
// (at 358 Hz on 2026-12-02; the multi-resolution default's short windows see far enough
// to walk there alone); the search sees the whole box around the seed at once and the
// gradient stage finishes at 440.
struct Octave {
  Param freq{"freq", 220.0f, {.min = 20.0f, .max = 4000.0f}};  // log coordinates
  Param gain{"gain", 0.5f, {.min = 0.0f, .max = 1.0f}};
  std::vector<float> target;
  Octave() {
    const int64_t frames = 4096;
    for (int64_t t = 0; t < frames; ++t)
      target.push_back(float(0.3 * std::sin(2 * std::numbers::pi * 440 * double(t) / 44100)));
  }
  TrainProblem problem() {
    return {gain * sin(2 * std::numbers::pi * phasor(freq)),
            target,
            {},
            parse_loss_spec("spectral:2048:512"),
            {freq, gain}};
  }
};

TrainConfig with_search(const std::string& method) {
  TrainConfig c;
  c.epochs = 200;
  c.render.backend = Backend::C;
  c.search.method = method;
  c.search.budget = 1024;  // two params: plenty
  return c;
}

TEST(Search, GradientsAloneStayInTheOctaveMinimum) {
  Octave o;
  train(o.problem(), with_search("none"));
  EXPECT_LT(o.freq.value(), 400);
}

TEST(Search, CmaesThenGradientsFindTheFrequencyAnOctaveAway) {
  Octave o;
  const TrainResult r = train(o.problem(), with_search("cmaes"));
  EXPECT_EQ(r.search, "cmaes");
  EXPECT_NEAR(o.freq.value(), 440, 2);
  EXPECT_NEAR(o.gain.value(), 0.3, 0.01);
  EXPECT_GT(r.found.evaluations, 100);
  EXPECT_LT(r.final_loss, 0.01 * r.initial_loss);
}

TEST(Search, AHaltonDesignAloneAlsoLandsInTheRightBasin) {
  Octave o;
  const TrainResult r = train(o.problem(), with_search("halton"));
  EXPECT_EQ(r.found.evaluations, 1024);
  EXPECT_NEAR(o.freq.value(), 440, 2);
}

TEST(Search, TheDefaultBudgetIs4096PerParamUpTo16384AndAtLeast256PerParamSquared) {
  EXPECT_EQ(search_budget(0, 1), 4096);
  EXPECT_EQ(search_budget(0, 3), 12288);
  EXPECT_EQ(search_budget(0, 4), 16384);
  EXPECT_EQ(search_budget(0, 8), 16384);
  EXPECT_EQ(search_budget(0, 9), 20736);
  EXPECT_EQ(search_budget(0, 18), 82944);
  EXPECT_EQ(search_budget(0, 100000), std::numeric_limits<int>::max());  // no overflow
  EXPECT_EQ(search_budget(100, 30), 100);  // an explicit budget is kept
  // A Halton search spends its whole budget: the octave problem's two params get 8192.
  Octave o;
  TrainConfig c = with_search("halton");
  c.epochs = 0;
  c.search.budget = 0;
  EXPECT_EQ(train(o.problem(), c).found.evaluations, 8192);
}

// docs/TRAINING.md, "Global search": when a quarter of what the design left gives each of
// the 4 CMA-ES runs 8 generations or more, each runs its share first, in the order of the
// design's points; then they go on best first. A loss that does not change (1 + 10⁻¹²·x is 1
// in float) never lets a run converge, so the shares are exact.
std::vector<int> cmaes_runs(int budget) {
  Param x{"x", 0.5f, {.min = 0.0f, .max = 1.0f}}, y{"y", 0.5f, {.min = 0.0f, .max = 1.0f}};
  const Value loss = 1.0 + 1e-12 * (x + y);
  const UnitCoordinate unit = UnitCoordinate::for_range(0, 1);
  SearchOptions options;
  options.method = "cmaes";
  options.budget = budget;
  RenderOptions render;
  render.backend = Backend::C;
  std::vector<int> runs;
  search(loss, loss, 16, {}, {{x, unit, 0.5f, 0.5}, {y, unit, 0.5f, 0.5}}, options, render,
         [&](const SearchProgress& p) {
           if (p.stage == "cmaes") runs.push_back(p.run);
         });
  return runs;
}

TEST(Search, TheCmaesRunsRaceForAShareBeforeTheBestGoesOn) {
  // 16384 candidates: 4096 for the design, 128 for the line scans at the end (one run of
  // 64 per param), a quarter of the 12160 left for the race (11 generations of 64 for each
  // run), then the others in the race's order (all tie: the design's order), each until
  // its step falls below 1e-3 or the budget ends.
  const std::vector<int> raced = cmaes_runs(16384);
  ASSERT_EQ(raced.size(), size_t((16384 - 4096 - 128) / 64));
  for (size_t g = 0; g < 44; ++g) EXPECT_EQ(raced[g], int(g / 11)) << g;
  EXPECT_EQ(raced[44], 0);
  EXPECT_TRUE(std::is_sorted(raced.begin() + 44, raced.end()));
  // 1024: 640 left after the design and the scans, 2 generations a run: no race, run 0
  // takes them all.
  EXPECT_EQ(cmaes_runs(1024), std::vector<int>(10, 0));
}

// docs/TRAINING.md, "Global search": the search ends with a scan along each param's line
// through the best point. A narrow basin that needs both params right at once (width
// 0.012 around a = 0.3, f = 0.6, in a bowl along a) is missed by the 128-point design
// (its best point has a near 0.3 and f anywhere: loss about 1), and found by the scans: a's
// line puts a within half a step (0.004) of 0.3, then f's line crosses the basin.
TEST(Search, LineScansFindABasinTheDesignMissed) {
  Param a{"a", 0.5f, {.min = 0.0f, .max = 1.0f}}, f{"f", 0.5f, {.min = 0.0f, .max = 1.0f}};
  const Value da = a - 0.3, df = f - 0.6;
  const Value loss = da * da + 1.0 - exp(-(da * da + df * df) / (0.012 * 0.012));
  const UnitCoordinate unit = UnitCoordinate::for_range(0, 1);
  SearchOptions options;
  options.method = "halton";
  options.budget = 256;
  RenderOptions render;
  render.backend = Backend::C;
  double before_scans = 0;
  int scans = 0;
  const SearchResult found = search(loss, loss, 4, {}, {{a, unit, 0.5f, 0.5}, {f, unit, 0.5f, 0.5}},
                                    options, render, [&](const SearchProgress& p) {
                                      if (p.stage == "lines")
                                        ++scans;
                                      else
                                        before_scans = p.best_loss / 4;
                                    });
  EXPECT_EQ(scans, 2);
  EXPECT_EQ(found.evaluations, 256);
  EXPECT_GT(before_scans, 0.9);
  ASSERT_FALSE(found.points.empty());
  EXPECT_LT(found.losses[0] / 4, 0.2);
  EXPECT_NEAR(found.points[0][0], 0.3, 0.005);
  EXPECT_NEAR(found.points[0][1], 0.6, 0.005);
}

TEST(Search, IsDeterministicForASeed) {
  Octave a, b;
  TrainConfig c = with_search("cmaes");
  c.epochs = 0;
  const TrainResult ra = train(a.problem(), c), rb = train(b.problem(), c);
  EXPECT_EQ(ra.found.points, rb.found.points);
  EXPECT_EQ(ra.found.losses, rb.found.losses);
}

TEST(Search, TheSeedLossIsTheLossAtTheSeed) {
  Octave a, b;
  TrainConfig one = with_search("cmaes");
  one.epochs = 0;
  one.search.budget = 64;
  const TrainResult searched = train(a.problem(), one);
  TrainConfig none = with_search("none");
  none.epochs = 0;
  const TrainResult plain = train(b.problem(), none);
  // The search renders with a forward program, the plain run with the gradient
  // program's forward: the same params, code compiled apart (float rounding only).
  EXPECT_NEAR(searched.initial_loss, plain.initial_loss, 1e-6 * plain.initial_loss);
  ASSERT_EQ(searched.seed_audio.size(), plain.seed_audio.size());
  for (size_t t = 0; t < plain.seed_audio.size(); ++t)
    ASSERT_NEAR(searched.seed_audio[t], plain.seed_audio[t], 1e-5) << t;
}

// docs/TRAINING.md, "Global search": auto is the default, and it runs CMA-ES when every
// trained param is a scalar; one tensor param among them turns the search off.
TEST(Search, AutoIsTheDefaultAndSearchesWhenEveryParamIsAScalar) {
  EXPECT_EQ(TrainConfig{}.search.method, "auto");
  Octave o;
  TrainConfig c;
  c.render.backend = Backend::C;
  c.epochs = 0;
  c.search.budget = 256;
  const TrainResult r = train(o.problem(), c);
  EXPECT_EQ(r.search, "cmaes");
  EXPECT_GT(r.found.evaluations, 64);  // more than the design's first forward run
  EXPECT_LE(r.found.evaluations, 256);
  EXPECT_LT(r.found.losses.at(0), r.found.seed_loss);
  Param table("table", {4}, {0.1f, 0.2f, 0.3f, 0.4f}, {.min = 0.0f, .max = 1.0f});
  TrainProblem mixed = o.problem();
  mixed.output = mixed.output + sum(table);
  mixed.params.push_back(table);
  EXPECT_EQ(train(mixed, c).search, "none");
}

TEST(Search, AutoSkipsTensorParams) {
  Param table("table", {4}, {0.1f, 0.2f, 0.3f, 0.4f}, {.min = 0.0f, .max = 1.0f});
  const std::vector<float> target(256, 0.25f);
  TrainConfig c = with_search("auto");
  c.epochs = 1;
  const TrainResult r = train({sum(table) / 4.0, target, {}, parse_loss_spec("mse"), {table}}, c);
  EXPECT_EQ(r.search, "none");
}

}  // namespace
}  // namespace dgen::train

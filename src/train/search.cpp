#include "train/search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "dgen/error.hpp"
#include "train/cmaes.hpp"
#include "train/halton.hpp"

namespace dgen::train {

void check_search_method(const std::string& method) {
  if (method != "none" && method != "halton" && method != "cmaes" && method != "auto")
    throw Error("unknown search '" + method + "' (none, halton, cmaes or auto)");
}

int search_budget(int requested, size_t params) {
  if (requested > 0) return requested;
  const int64_t n = int64_t(params);
  const int64_t budget = std::max<int64_t>(std::min<int64_t>(4096 * n, 16384), 256 * n * n);
  return int(std::min<int64_t>(budget, std::numeric_limits<int>::max()));
}

namespace {

using Point = std::vector<double>;
using Clock = std::chrono::steady_clock;

// Candidates rendered as lanes of one forward program; remembers every point evaluated.
class LaneEvaluator {
 public:
  LaneEvaluator(const Value& loss, const Value& output, int64_t frames,
                const std::vector<InputChannel>& inputs, const std::vector<SearchDimension>& dims,
                int lanes, const RenderOptions& render)
      : frames_(frames), inputs_(inputs), dims_(dims), lanes_(lanes) {
    RenderOptions options = render;
    options.lanes = lanes;
    for (const SearchDimension& d : dims)
      if (!d.param.data()->shape.empty())
        throw Error("param '" + d.param.name() + "' is a tensor; the search needs scalar params");
    program_ = std::make_unique<Program>(std::vector<Value>{loss, output}, options);
  }

  // The losses of up to `lanes` points (unit coordinates, clamped into [0, 1]); with
  // `first_is_seed`, lane 0 renders the seed values exactly (not their round trip
  // through the unit coordinate).
  std::vector<double> evaluate(const std::vector<Point>& points, bool first_is_seed = false) {
    for (size_t k = 0; k < dims_.size(); ++k) {
      std::vector<float> values(size_t(lanes_), dims_[k].seed_value);
      for (size_t l = first_is_seed ? 1 : 0; l < points.size(); ++l)
        values[l] = float(dims_[k].coordinate.from_unit(points[l][k]));
      Param p = dims_[k].param;
      p.set_per_lane(values);
    }
    program_->run(frames_, inputs_);
    const std::span<const float> loss = program_->output(0);
    std::vector<double> sums(size_t(lanes_), 0.0);
    for (int64_t t = 0; t < frames_; ++t)
      for (size_t l = 0; l < size_t(lanes_); ++l) sums[l] += loss[size_t(t) * size_t(lanes_) + l];
    sums.resize(points.size());
    for (size_t l = 0; l < points.size(); ++l) {
      seen_.push_back({std::isfinite(sums[l]) ? sums[l] : std::numeric_limits<double>::infinity(),
                       clamped(points[l])});
      if (seen_.back().first < best_) best_ = seen_.back().first;
    }
    return sums;
  }

  // The output of lane `lane` in the last run.
  std::vector<float> audio(int lane) const {
    const std::span<const float> out = program_->output(1);
    std::vector<float> audio(static_cast<size_t>(frames_));
    for (int64_t t = 0; t < frames_; ++t) audio[size_t(t)] = out[size_t(t * lanes_ + lane)];
    return audio;
  }

  // The `keep` best points seen that differ from every better one kept by more than
  // `apart` in some coordinate, best first.
  void best_distinct(int keep, double apart, SearchResult& result) const {
    std::vector<size_t> order(seen_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return seen_[a].first < seen_[b].first; });
    for (size_t i : order) {
      if (int(result.points.size()) == keep || !std::isfinite(seen_[i].first)) break;
      const Point& p = seen_[i].second;
      const bool distinct =
          std::all_of(result.points.begin(), result.points.end(), [&](const Point& q) {
            double d = 0;
            for (size_t k = 0; k < p.size(); ++k) d = std::max(d, std::fabs(p[k] - q[k]));
            return d > apart;
          });
      if (!distinct) continue;
      result.points.push_back(p);
      result.losses.push_back(seen_[i].first);
    }
  }

  static Point clamped(Point p) {
    for (double& u : p) u = std::clamp(u, 0.0, 1.0);
    return p;
  }

  int evaluations() const { return int(seen_.size()); }
  double best() const { return best_; }
  // The point of the lowest loss seen (the first of equals).
  const Point& best_point() const {
    return std::min_element(seen_.begin(), seen_.end(),
                            [](const auto& a, const auto& b) { return a.first < b.first; })
        ->second;
  }
  int lanes() const { return lanes_; }

 private:
  int64_t frames_;
  const std::vector<InputChannel>& inputs_;
  const std::vector<SearchDimension>& dims_;
  int lanes_;
  std::unique_ptr<Program> program_;
  std::vector<std::pair<double, Point>> seen_;
  double best_ = std::numeric_limits<double>::infinity();
};

// The design box of one dimension: ±radius (its own, or the search's) around the seed, shifted
// inside [0, 1] so that it keeps its width.
std::pair<double, double> design_box(const SearchDimension& d, const SearchOptions& options) {
  const auto own = options.radii.find(d.param.name());
  const double radius = own == options.radii.end() ? options.radius : own->second;
  if (radius >= 0.5) return {0.0, 1.0};
  const double lo = std::clamp(d.seed - radius, 0.0, 1.0 - 2 * radius);
  return {lo, lo + 2 * radius};
}

// The Halton design mapped into the boxes, the seed first.
std::vector<Point> design_points(const std::vector<SearchDimension>& dims, int count,
                                 const SearchOptions& options) {
  std::vector<Point> points;
  Point seed;
  for (const SearchDimension& d : dims) seed.push_back(d.seed);
  points.push_back(seed);
  for (Point p : halton_design(count - 1, int(dims.size()), options.seed)) {
    for (size_t k = 0; k < dims.size(); ++k) {
      const auto [lo, hi] = design_box(dims[k], options);
      p[k] = lo + p[k] * (hi - lo);
    }
    points.push_back(std::move(p));
  }
  return points;
}

// CMA-ES runs of the search at most (one per distinct good design point).
constexpr int kRestarts = 4;
// The race: 1/kRaceShare of the budget left after the design, split evenly between the
// runs, when that gives each at least kRaceGenerations generations (docs/TRAINING.md,
// "Global search": a run that starts in a worse basin loses the race instead of taking
// the whole budget).
constexpr int kRaceShare = 4;
constexpr int kRaceGenerations = 8;

// A point moved into the search boxes (CMA-ES searches where the design did: a basin
// far outside it is not the one the seed suggests).
Point into_boxes(Point p, const std::vector<std::pair<double, double>>& boxes) {
  for (size_t k = 0; k < p.size(); ++k) p[k] = std::clamp(p[k], boxes[k].first, boxes[k].second);
  return p;
}

// CMA-ES's cost of a point outside the boxes: the loss where it was moved to, plus a
// penalty growing with the distance, so the distribution is pulled back inside.
std::vector<double> bounded_costs(const std::vector<Point>& asked, const std::vector<Point>& inside,
                                  std::vector<double> losses, double scale) {
  for (size_t p = 0; p < asked.size(); ++p) {
    double outside = 0;
    for (size_t k = 0; k < asked[p].size(); ++k) outside += std::pow(asked[p][k] - inside[p][k], 2);
    losses[p] += outside * scale;
  }
  return losses;
}

// The line scans' evaluations: one run of `lanes` per dimension, when that is at most
// half the budget (docs/TRAINING.md, "Global search").
int line_scan_budget(int budget, size_t dims, int lanes) {
  const int scans = int(dims) * lanes;
  return 2 * scans <= budget ? scans : 0;
}

// From the best point seen, each dimension in turn across its whole box, the others held,
// `lanes` evenly spaced values in one run; the next dimension's scan starts from the best
// point so far. Why: a search ends in a basin where most params are right and one
// multimodal param (an LFO's rate, a delay) sits in a neighbouring minimum; with the
// others right, that param's own basin shows along its line, which a distribution over
// every dimension at once rarely samples.
void line_scans(LaneEvaluator& evaluator, const std::vector<std::pair<double, double>>& boxes,
                const std::function<bool()>& out_of_time, const std::function<void()>& report) {
  const int lanes = evaluator.lanes();
  for (size_t k = 0; k < boxes.size() && !out_of_time(); ++k) {
    const Point from = evaluator.best_point();
    std::vector<Point> line(size_t(lanes), from);
    for (int i = 0; i < lanes; ++i)
      line[size_t(i)][k] =
          boxes[k].first + (boxes[k].second - boxes[k].first) * i / double(lanes - 1);
    evaluator.evaluate(line);
    report();
  }
}

}  // namespace

SearchResult search(const Value& loss, const Value& output, int64_t frames,
                    const std::vector<InputChannel>& inputs,
                    const std::vector<SearchDimension>& dims, const SearchOptions& options,
                    const RenderOptions& render,
                    const std::function<void(const SearchProgress&)>& on_progress) {
  if (options.method != "halton" && options.method != "cmaes")
    throw Error("search: the method must be halton or cmaes, got '" + options.method + "'");
  if (dims.empty()) throw Error("the search needs at least one param");
  if (options.lanes < 2 || options.budget < 0 || options.keep < 1 || !(options.radius > 0))
    throw Error("the search needs lanes >= 2, a budget >= 0, keep >= 1 and a radius > 0");
  const int budget = search_budget(options.budget, dims.size());
  const int lanes = std::min(options.lanes, std::max(2, budget));
  const int scans = line_scan_budget(budget, dims.size(), lanes);
  const auto start = Clock::now();
  const auto out_of_time = [&] {
    return options.seconds > 0 &&
           std::chrono::duration<double>(Clock::now() - start).count() >= options.seconds;
  };
  LaneEvaluator evaluator(loss, output, frames, inputs, dims, lanes, render);
  SearchResult result;
  const auto report = [&](const char* stage, double step, int run) {
    if (on_progress) on_progress({stage, evaluator.evaluations(), evaluator.best(), step, run});
  };

  // The design: the whole budget for `halton`, a quarter of it (at least one run) before
  // CMA-ES; the line scans' share is kept for the end.
  const int design =
      options.method == "halton" ? budget - scans : std::max(lanes, (budget / 4) / lanes * lanes);
  std::vector<std::pair<double, double>> boxes;
  for (const SearchDimension& d : dims) boxes.push_back(design_box(d, options));
  const std::vector<Point> points = design_points(dims, std::max(1, design), options);
  for (size_t first = 0; first < points.size() && !(first > 0 && out_of_time());
       first += size_t(lanes)) {
    const std::vector<Point> batch(
        points.begin() + long(first),
        points.begin() + long(std::min(points.size(), first + size_t(lanes))));
    const std::vector<double> losses = evaluator.evaluate(batch, first == 0);
    if (first == 0) {
      result.seed_loss = losses[0];
      result.seed_audio = evaluator.audio(0);
    }
    report("design", 0, 0);
  }

  if (options.method == "cmaes") {
    // A race of CMA-ES runs from the design's best distinct points: each runs a slice of
    // the budget, then they go on best first, each until it converges in a minimum (its
    // step below 1e-3) or the budget ends.
    SearchResult design_best;
    evaluator.best_distinct(kRestarts, 0.1, design_best);
    std::vector<double> stds;
    for (const auto& [lo, hi] : boxes) stds.push_back((hi - lo) / 4);
    struct Run {
      int rank;
      Cmaes cmaes;
      double best = std::numeric_limits<double>::infinity();  // its lowest loss
    };
    std::vector<Run> runs;
    for (size_t run = 0; run < design_best.points.size(); ++run)
      runs.push_back(
          {int(run), Cmaes(design_best.points[run], stds, lanes, options.seed + uint32_t(run))});
    // Runs `run` until `limit` evaluations in all, its convergence or the time limit.
    const auto advance = [&](Run& run, int limit) {
      while (evaluator.evaluations() + lanes <= limit && !out_of_time() &&
             run.cmaes.step() > 1e-3) {
        const std::vector<Point>& asked = run.cmaes.ask();
        std::vector<Point> inside;
        for (const Point& p : asked) inside.push_back(into_boxes(p, boxes));
        const std::vector<double> losses = evaluator.evaluate(inside);
        run.best = std::min(run.best, *std::min_element(losses.begin(), losses.end()));
        const double scale =
            std::isfinite(evaluator.best()) ? std::fabs(evaluator.best()) + 1e-12 : 1;
        run.cmaes.tell(bounded_costs(asked, inside, losses, 100 * scale));
        report("cmaes", run.cmaes.step(), run.rank);
      }
    };
    const int cmaes_budget = budget - scans;
    const int slice =
        (cmaes_budget - evaluator.evaluations()) / kRaceShare / int(runs.size()) / lanes * lanes;
    if (runs.size() > 1 && slice >= kRaceGenerations * lanes)
      for (Run& run : runs) advance(run, evaluator.evaluations() + slice);
    std::vector<size_t> order(runs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return runs[a].best < runs[b].best; });
    for (size_t run : order) advance(runs[run], cmaes_budget);
    const auto lowest = std::min_element(
        runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.best < b.best; });
    if (lowest != runs.end() && std::isfinite(lowest->best)) result.spread = lowest->cmaes.stds();
  }

  if (scans > 0) line_scans(evaluator, boxes, out_of_time, [&] { report("lines", 0, 0); });
  evaluator.best_distinct(options.keep, 0.02, result);
  for (const SearchDimension& d : dims) {
    Param p = d.param;
    p.set(d.seed_value);
  }
  result.evaluations = evaluator.evaluations();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace dgen::train

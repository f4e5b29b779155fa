#include "train/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

#include "autodiff/transform.hpp"
#include "dgen/error.hpp"
#include "dgen/grad.hpp"
#include "dgen/optim.hpp"
#include "train/polish.hpp"

namespace dgen::train {

namespace {

std::vector<TrainedParam> describe_params(const std::vector<Param>& params, int lanes) {
  std::vector<TrainedParam> out;
  for (const Param& p : params) {
    const ParamData& d = *p.data();
    if (!d.min || !d.max)
      throw Error("param '" + d.name + "' needs both @min and @max to be trained");
    if (lanes > 1 && !d.shape.empty())
      throw Error("param '" + d.name + "' is a tensor " + to_string(d.shape) +
                  "; training with lanes > 1 needs scalar params");
    TrainedParam t{p, UnitCoordinate::for_range(*d.min, *d.max), {}, {}};
    for (size_t i = 0; i < size_t(numel(d.shape)); ++i)
      t.from.push_back(std::clamp(d.value.at(i), *d.min, *d.max));
    out.push_back(std::move(t));
  }
  return out;
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, std::vector<Param> units,
                                          double lr) {
  if (name == "adam") return std::make_unique<Adam>(std::move(units), lr);
  if (name == "sgd") return std::make_unique<SGD>(std::move(units), lr);
  throw Error("unknown optimizer '" + name + "' (adam or sgd)");
}

// The loop's state: the optimiser works on shadow params holding unit coordinates (per
// lane when lanes > 1); before every run the real params get the mapped values.
class Loop {
 public:
  Loop(const TrainProblem& problem, const TrainConfig& config)
      : problem_(problem), config_(config), result_() {
    if (problem.target.empty()) throw Error("the target is empty");
    if (config.epochs < 0) throw Error("epochs must be >= 0");
    if (config.lanes < 1) throw Error("lanes must be >= 1");
    check_search_method(config.search.method);
    TargetLoss target =
        loss_against_target(problem.loss, problem.output, problem.target, problem.inputs);
    const std::vector<Param> learning = learnable(target.loss);
    result_.search = resolve_search(learning);
    lanes_ = result_.search == "none" ? config.lanes : std::max(config.lanes, config.search.keep);
    result_.params = describe_params(learning, lanes_);
    for (const TrainedParam& t : result_.params)
      best_values_.push_back(t.from);  // until a finite loss
    step_scale_.assign(size_t(lanes_), 1.0);
    last_finite_.assign(size_t(lanes_), std::nullopt);
    lane_best_.assign(size_t(lanes_), {std::numeric_limits<double>::infinity(), {}});

    inputs_ = std::move(target.inputs);
    loss_ = target.loss;
    RenderOptions render = config.render;
    render.lanes = lanes_;
    // The loss signal and the output are rendered too: per-lane losses and the audio.
    program_ = std::make_unique<GradProgram>(loss_, render, GradOptions{},
                                             std::vector<Value>{loss_, problem.output});
    result_.backend = program_->backend();
  }

  TrainResult run(const TrainCallbacks& callbacks) {
    const auto start = std::chrono::steady_clock::now();
    if (callbacks.on_start)
      callbacks.on_start({result_.params, result_.cannot_learn, result_.backend, result_.search});
    make_units(result_.search == "none" ? std::vector<std::vector<double>>{}
                                        : run_search(callbacks));
    result_.step_scales = step_scales(
        config_.steps_per_param ? result_.found.spread : std::vector<double>{}, units_.size());
    StepSchedule schedule(config_.schedule);
    const std::unique_ptr<Optimizer> optimizer =
        make_optimizer(config_.optimizer, units_, config_.schedule.lr);
    for (int epoch = 1; epoch <= config_.epochs && !schedule.exhausted(); ++epoch) {
      EpochReport report = evaluate(/*with_grad=*/true);
      report.epoch = epoch;
      report.skipped = find_non_finite(report.lane_losses);
      chain_rule();
      report.lr = optimizer->lr = schedule.lr(epoch);
      step(*optimizer, report.skipped);
      at_seed_ = false;
      optimizer->zero_grad();
      const int reductions = schedule.reductions();
      schedule.observe(best_loss_);
      if (schedule.reductions() > reductions) return_to_lane_bests();
      result_.epochs_run = epoch;
      if (callbacks.on_epoch) callbacks.on_epoch(report);
    }
    const bool polish_stopped =
        config_.epochs > 0 && config_.polish > 0 && std::isfinite(best_loss_)
            ? run_polish(schedule, callbacks)
            : true;
    result_.stopped_early = schedule.exhausted() && polish_stopped;
    evaluate(/*with_grad=*/false);  // where the last step landed
    for (size_t k = 0; k < result_.params.size(); ++k) {
      result_.params[k].param.set(best_values_[k]);
      result_.params[k].to = best_values_[k];
    }
    result_.final_loss = best_loss_;
    if (result_.final_audio.empty()) result_.final_audio = result_.seed_audio;  // no finite loss
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(result_);
  }

 private:
  int64_t frames() const { return int64_t(problem_.target.size()); }

  // auto searches when every trained param is scalar (lanes need scalar params).
  std::string resolve_search(const std::vector<Param>& params) const {
    const std::string& method = config_.search.method;
    if (method != "auto") return method;
    const bool scalar = std::all_of(params.begin(), params.end(),
                                    [](const Param& p) { return p.data()->shape.empty(); });
    return scalar ? "cmaes" : "none";
  }

  // The search stage: the best points it found, in unit coordinates, best first. The
  // seed's loss and audio come from it (its first candidate is the seed).
  std::vector<std::vector<double>> run_search(const TrainCallbacks& callbacks) {
    std::vector<SearchDimension> dims;
    for (const TrainedParam& t : result_.params)
      dims.push_back({t.param, t.coordinate, t.from[0], t.coordinate.to_unit(t.from[0])});
    SearchOptions options = config_.search;
    options.method = result_.search;
    options.seed = config_.seed;
    result_.found = search(loss_, problem_.output, frames(), inputs_, dims, options, config_.render,
                           callbacks.on_search);
    result_.initial_loss = result_.found.seed_loss;
    result_.seed_audio = result_.found.seed_audio;
    if (callbacks.on_search_done) callbacks.on_search_done(result_.found);
    return result_.found.points;
  }

  // The optimiser's shadow params in unit coordinates: lane l starts at starts[l] where
  // given (the search's best points), else lane 0 at the seed and the others at random
  // points.
  void make_units(const std::vector<std::vector<double>>& starts) {
    std::mt19937 rng(config_.seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    at_seed_ = starts.empty();
    for (size_t k = 0; k < result_.params.size(); ++k) {
      const TrainedParam& t = result_.params[k];
      std::vector<float> u;
      for (float v : t.from) u.push_back(float(t.coordinate.to_unit(v)));
      if (!starts.empty()) u[0] = float(starts[0][k]);
      Param unit(t.param.name(), t.param.data()->shape, u, {.min = 0.0f, .max = 1.0f});
      if (lanes_ > 1) {
        for (size_t l = 1; l < size_t(lanes_); ++l)
          u.push_back(l < starts.size() ? float(starts[l][k]) : uniform(rng));
        unit.set_per_lane(u);
      }
      units_.push_back(unit);
    }
  }

  // The params of the problem the loss has a gradient for; the others go to
  // result_.cannot_learn with the reason.
  std::vector<Param> learnable(const Value& loss) {
    const std::vector<std::string> reasons = why_no_gradient(loss, problem_.params);
    std::vector<Param> out;
    for (size_t k = 0; k < problem_.params.size(); ++k)
      if (reasons[k].empty())
        out.push_back(problem_.params[k]);
      else
        result_.cannot_learn.push_back({problem_.params[k], reasons[k]});
    if (!out.empty()) return out;
    std::string why;
    for (const UnlearnableParam& u : result_.cannot_learn)
      why += "; '" + u.param.name() + "': " + u.reason;
    throw Error("no param can learn" + (why.empty() ? std::string(": none was given") : why));
  }

  // Writes the unit coordinates' values into the real params, runs, and records losses.
  EpochReport evaluate(bool with_grad) {
    for (size_t k = 0; k < units_.size(); ++k) {
      const TrainedParam& t = result_.params[k];
      std::vector<float> values;
      for (float u : units_[k].values()) values.push_back(float(t.coordinate.from_unit(u)));
      // Lane 0 starts exactly at the seed, not at its round trip through u.
      if (at_seed_) std::copy(t.from.begin(), t.from.end(), values.begin());
      Param p = t.param;
      if (lanes_ > 1)
        p.set_per_lane(values);
      else
        p.set(values);
      p.zero_grad();
    }
    if (with_grad)
      program_->run(frames(), inputs_);
    else
      program_->forward(frames(), inputs_);

    EpochReport report;
    const std::span<const float> loss = program_->output(0);
    report.lane_losses.assign(size_t(lanes_), 0.0);
    for (int64_t t = 0; t < frames(); ++t)
      for (int l = 0; l < lanes_; ++l)
        report.lane_losses[size_t(l)] += loss[size_t(t * lanes_ + l)];
    if (at_seed_ && result_.loss_curve.empty()) {  // lane 0 of the first run is the seed
      result_.initial_loss = report.lane_losses[0];
      result_.seed_audio = lane_audio(0);
    }
    for (int l = 0; l < lanes_; ++l) {
      const double lane_loss = report.lane_losses[size_t(l)];
      if (!std::isfinite(lane_loss)) continue;
      if (lane_loss < lane_best_[size_t(l)].first)
        lane_best_[size_t(l)] = {lane_loss, lane_units(l)};
      if (lane_loss < best_loss_) keep_best(l, lane_loss);
    }
    report.lane = lowest_lane(report.lane_losses);
    report.values = lane_values(report.lane);
    report.audio = [this, lane = report.lane] { return lane_audio(lane); };
    report.best_loss = best_loss_;
    report.best_values = best_values_;
    result_.loss_curve.push_back(report.lane_losses[size_t(report.lane)]);
    return report;
  }

  // The lane with the lowest finite loss (lane 0 when none is finite).
  static int lowest_lane(const std::vector<double>& losses) {
    int lane = 0;
    for (size_t l = 1; l < losses.size(); ++l)
      if (losses[l] < losses[size_t(lane)] || !std::isfinite(losses[size_t(lane)])) lane = int(l);
    return lane;
  }

  // A param's values in one lane (all its elements when there is one lane).
  std::vector<float> in_lane(const Param& p, int lane) const {
    return lanes_ > 1 ? std::vector<float>{p.values()[size_t(lane)]} : p.values();
  }

  std::vector<std::vector<float>> lane_values(int lane) const {
    std::vector<std::vector<float>> out;
    for (const TrainedParam& t : result_.params) out.push_back(in_lane(t.param, lane));
    return out;
  }

  std::vector<float> lane_audio(int lane) const {
    const std::span<const float> rendered = program_->output(1);
    std::vector<float> audio(static_cast<size_t>(frames()));
    for (int64_t t = 0; t < frames(); ++t) audio[size_t(t)] = rendered[size_t(t * lanes_ + lane)];
    return audio;
  }

  // The lanes whose loss or gradient (in any element of any param) is not finite.
  std::vector<SkippedStep> find_non_finite(const std::vector<double>& losses) const {
    std::vector<SkippedStep> skipped;
    for (int l = 0; l < lanes_; ++l) {
      std::string reason;
      if (!std::isfinite(losses[size_t(l)])) reason = "the loss is " + describe(losses[size_t(l)]);
      for (size_t k = 0; k < result_.params.size() && reason.empty(); ++k) {
        const std::vector<double>& grad = result_.params[k].param.grad();
        for (size_t i = 0; i < grad.size() && reason.empty(); ++i)
          if (lane_of(i) == l && !std::isfinite(grad[i]))
            reason =
                "the gradient of '" + result_.params[k].param.name() + "' is " + describe(grad[i]);
      }
      if (!reason.empty()) skipped.push_back({l, reason, step_scale_[size_t(l)] / 2});
    }
    return skipped;
  }

  static std::string describe(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

  // The lane an element of a unit param belongs to (lanes > 1 trains scalar params only).
  int lane_of(size_t element) const { return lanes_ > 1 ? int(element) : 0; }

  // The optimizer's step, scaled per lane and per param (result_.step_scales) and clipped
  // to the scaled step size in every coordinate (SGD's step follows the gradient's size,
  // which a spectral loss can make huge). A skipped lane goes back to the point of its last finite
  // loss and gradient (or stays, before it had one) and halves its step size, so it approaches the
  // region that broke it in ever smaller steps instead of jumping in again.
  void step(Optimizer& optimizer, const std::vector<SkippedStep>& skipped) {
    std::vector<bool> skip(size_t(lanes_), false);
    for (const SkippedStep& s : skipped) {
      skip[size_t(s.lane)] = true;
      step_scale_[size_t(s.lane)] = s.step_scale;
    }
    std::vector<std::vector<float>> before;
    for (size_t l = 0; l < size_t(lanes_); ++l)
      if (!skip[l]) last_finite_[l] = lane_units(int(l));
    for (const Param& u : units_) before.push_back(u.values());
    optimizer.step();
    for (size_t k = 0; k < units_.size(); ++k) {
      std::vector<float> u = units_[k].values();
      for (size_t i = 0; i < u.size(); ++i) {
        const auto l = size_t(lane_of(i));
        const double scale = step_scale_[l] * result_.step_scales[k];
        const double limit = scale * optimizer.lr;
        if (!skip[l])
          u[i] = float(before[k][i] + std::clamp(scale * (u[i] - before[k][i]), -limit, limit));
        else
          u[i] = last_finite_[l] ? (*last_finite_[l])[k][lanes_ > 1 ? 0 : i] : before[k][i];
      }
      units_[k].data()->value = std::move(u);
    }
  }

  // A lane's unit coordinates, per trained param.
  std::vector<std::vector<float>> lane_units(int lane) const {
    std::vector<std::vector<float>> out;
    for (const Param& u : units_) out.push_back(in_lane(u, lane));
    return out;
  }

  // The polish from the best point so far, its trial steps in the lanes; whether it
  // stopped (no step lowers the loss) before its budget ran out.
  bool run_polish(const StepSchedule& schedule, const TrainCallbacks& callbacks) {
    UnitPoint start;
    for (size_t k = 0; k < units_.size(); ++k)
      for (float v : best_values_[k]) start.push_back(result_.params[k].coordinate.to_unit(v));
    Polish polish(start, {.first_step = schedule.lr(config_.epochs)});
    for (int k = 0; k < config_.polish; ++k) {
      set_lane_points(polish.trials(lanes_));
      EpochReport report = evaluate(/*with_grad=*/true);
      chain_rule();
      const bool going = polish.observe(report.lane_losses, lane_unit_grads());
      for (Param& u : units_) u.zero_grad();
      report.epoch = ++result_.epochs_run;
      report.stage = "polish";
      report.lr = polish.last_step();
      ++result_.polish_steps;
      if (callbacks.on_epoch) callbacks.on_epoch(report);
      if (!going) return true;
    }
    return false;
  }

  // Lane l's unit coordinates (every element of every trained param, in order) := points[l].
  void set_lane_points(const std::vector<UnitPoint>& points) {
    size_t offset = 0;
    for (Param& u : units_) {
      std::vector<float>& values = u.data()->value;
      if (lanes_ > 1) {
        for (size_t l = 0; l < size_t(lanes_); ++l) values[l] = float(points[l][offset]);
        ++offset;
      } else {
        for (float& v : values) v = float(points[0][offset++]);
      }
    }
  }

  // The loss's gradient in unit coordinates per lane, laid out as set_lane_points' points.
  std::vector<UnitPoint> lane_unit_grads() const {
    std::vector<UnitPoint> grads(static_cast<size_t>(lanes_));
    for (const Param& u : units_) {
      const std::vector<double>& g = u.data()->grad;
      if (lanes_ > 1)
        for (size_t l = 0; l < size_t(lanes_); ++l) grads[l].push_back(g[l]);
      else
        grads[0].insert(grads[0].end(), g.begin(), g.end());
    }
    return grads;
  }

  // When the step size halves, every lane goes back to the best point it has seen: a
  // run that wandered off a minimum (its steps too big to settle in) resumes from it.
  void return_to_lane_bests() {
    for (size_t k = 0; k < units_.size(); ++k) {
      std::vector<float>& u = units_[k].data()->value;
      for (size_t i = 0; i < u.size(); ++i) {
        const auto& [loss, units] = lane_best_[size_t(lane_of(i))];
        if (std::isfinite(loss)) u[i] = units[k][lanes_ > 1 ? 0 : i];
      }
    }
  }

  void keep_best(int lane, double loss) {
    best_loss_ = loss;
    best_values_ = lane_values(lane);
    result_.best_lane = lane;
    result_.final_audio = lane_audio(lane);
  }

  // d loss / d u = d loss / d value · d value / d u. An element whose gradient is not
  // finite (a lane that blew up) does not move.
  void chain_rule() {
    for (size_t k = 0; k < units_.size(); ++k) {
      const TrainedParam& t = result_.params[k];
      const std::vector<double>& grad = t.param.grad();
      std::vector<double>& unit_grad = units_[k].data()->grad;
      const std::vector<float>& u = units_[k].values();
      for (size_t i = 0; i < u.size(); ++i) {
        const double g = grad[i] * t.coordinate.dvalue_du(u[i]);
        unit_grad[i] = std::isfinite(g) ? g : 0.0;
      }
    }
  }

  const TrainProblem& problem_;
  const TrainConfig& config_;
  int lanes_ = 1;
  TrainResult result_;
  Value loss_ = 0.0;  // the loss against the target (set by the constructor)
  std::vector<Param> units_;
  std::vector<InputChannel> inputs_;
  std::unique_ptr<GradProgram> program_;
  bool at_seed_ = true;             // no step taken yet
  std::vector<double> step_scale_;  // per lane, relative to Adam's learning rate
  // Per lane: its unit coordinates where its loss and gradient were last finite.
  std::vector<std::optional<std::vector<std::vector<float>>>> last_finite_;
  // Per lane: its lowest finite loss and its unit coordinates there.
  std::vector<std::pair<double, std::vector<std::vector<float>>>> lane_best_;
  double best_loss_ = std::numeric_limits<double>::infinity();
  std::vector<std::vector<float>> best_values_;
};

}  // namespace

TrainResult train(const TrainProblem& problem, const TrainConfig& config,
                  const TrainCallbacks& callbacks) {
  return Loop(problem, config).run(callbacks);
}

}  // namespace dgen::train

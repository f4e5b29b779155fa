#include "train/job.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "dgen/error.hpp"
#include "runtime/backends.hpp"
#include "train/job_audio.hpp"
#include "train/params_json.hpp"
#include "train/report.hpp"
#include "train/wav_bytes.hpp"

namespace dgen::train {

namespace fs = std::filesystem;

namespace {

// "min", "max" (the param's float bounds, printed as floats) and "scale" into `out`.
void add_range(Json& out, const UnitCoordinate& c) {
  out["min"] = json_number(float(c.min));
  out["max"] = json_number(float(c.max));
  out["scale"] = c.log ? "log" : "linear";
}

bool is_scalar(const Param& p) { return p.data()->shape.empty(); }

// {"name": value, ...} for one set of values per trained param.
Json values_json(const std::vector<TrainedParam>& params,
                 const std::vector<std::vector<float>>& values) {
  Json out = Json::object();
  for (size_t k = 0; k < params.size(); ++k)
    out[params[k].param.name()] = param_values_json(values[k], is_scalar(params[k].param));
  return out;
}

// [{"name", "reason"}, ...] of the params that cannot learn.
Json cannot_learn_json(const std::vector<UnlearnableParam>& params) {
  Json list = Json::array();
  for (const UnlearnableParam& u : params)
    list.push_back({{"name", u.param.name()}, {"reason", u.reason}});
  return list;
}

// [{"name", "value", "reason"}, ...] of the frozen params.
Json frozen_json(const std::vector<FrozenParam>& params) {
  Json list = Json::array();
  for (const FrozenParam& f : params)
    list.push_back(
        {{"name", f.name}, {"value", param_values_json(f.values, f.scalar)}, {"reason", f.reason}});
  return list;
}

// The search's settings: {"method", "budget", "seconds", "radius", "lanes", "keep"}, the
// budget as chosen for `params` params.
Json search_json(const std::string& method, const SearchOptions& options, size_t params) {
  Json out = {{"method", method},           {"budget", search_budget(options.budget, params)},
              {"seconds", options.seconds}, {"radius", options.radius},
              {"lanes", options.lanes},     {"keep", options.keep}};
  if (!options.radii.empty()) out["radii"] = options.radii;
  return out;
}

// Where the gradient stage starts: the search's best points with their losses.
Json search_done_json(const SearchResult& found, const std::vector<TrainedParam>& params) {
  Json starts = Json::array();
  for (size_t i = 0; i < found.points.size(); ++i) {
    Json values = Json::object();
    for (size_t k = 0; k < params.size(); ++k)
      values[params[k].param.name()] =
          json_number(float(params[k].coordinate.from_unit(found.points[i][k])));
    starts.push_back({{"loss", found.losses[i]}, {"params", values}});
  }
  return {{"stage", "done"},
          {"evaluations", found.evaluations},
          {"seconds", found.seconds},
          {"seed_loss", found.seed_loss},
          {"best_loss", found.losses.empty() ? found.seed_loss : found.losses[0]},
          {"starts", starts}};
}

Json plan_json(const TrainPlan& plan, const TrainProblem& problem, const TrainConfig& config,
               const JobSpec& job) {
  Json list = Json::array();
  for (const TrainedParam& t : plan.params) {
    Json p = {{"name", t.param.name()}};
    add_range(p, t.coordinate);
    p["seed"] = param_values_json(t.from, is_scalar(t.param));
    list.push_back(p);
  }
  return {{"patch", job.patch},
          {"target", job.target},
          {"job_dir", job.dir},
          {"frames", problem.target.size()},
          {"sample_rate", config.render.sample_rate},
          {"loss", problem.loss.name()},
          {"optimizer", config.optimizer},
          {"lr", config.schedule.lr},
          {"warmup", config.schedule.warmup},
          {"patience", config.schedule.patience},
          {"epochs", config.epochs},
          {"polish", config.polish},
          {"lanes", config.lanes},
          {"seed", config.seed},
          {"search", search_json(plan.search, config.search, plan.params.size())},
          {"backend", backend_name(plan.backend)},
          {"fast_math", config.render.fast_math},
          {"params", list},
          {"frozen", frozen_json(job.frozen)},
          {"cannot_learn", cannot_learn_json(plan.cannot_learn)}};
}

Json epoch_json(const EpochReport& e, const std::vector<TrainedParam>& params, int lanes) {
  Json out = {
      {"epoch", e.epoch},         {"stage", e.stage}, {"loss", e.lane_losses[size_t(e.lane)]},
      {"best_loss", e.best_loss}, {"lr", e.lr},       {"params", values_json(params, e.values)}};
  if (lanes > 1) {
    out["lane"] = e.lane;
    out["lane_losses"] = e.lane_losses;
  }
  return out;
}

void write_params_file(const std::string& path, const std::vector<TrainedParam>& params,
                       const std::vector<std::vector<float>>& values) {
  write_file_atomically(path, dump_json(Json{{"params", values_json(params, values)}}) + "\n");
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      throw Error("cannot write " + path);
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    std::remove(temp.c_str());
    throw Error("cannot write " + path + ": " + ec.message());
  }
}

Json result_json(const TrainResult& result, const TrainProblem& problem, const TrainConfig& config,
                 const JobSpec& job) {
  Json params = Json::object();
  for (const TrainedParam& t : result.params) {
    const bool scalar = is_scalar(t.param);
    Json p = {{"from", param_values_json(t.from, scalar)}, {"to", param_values_json(t.to, scalar)}};
    add_range(p, t.coordinate);
    params[t.param.name()] = p;
  }
  const double improvement =
      result.initial_loss > 0
          ? 100 * (result.initial_loss - result.final_loss) / result.initial_loss
          : 0;
  return {{"patch", job.patch},
          {"target", job.target},
          {"loss", problem.loss.name()},
          {"optimizer", config.optimizer},
          {"epochs", config.epochs},
          {"epochs_run", result.epochs_run},
          {"polish_steps", result.polish_steps},
          {"stopped_early", result.stopped_early},
          {"lanes", config.lanes},
          {"search", result.search},
          {"search_evaluations", result.found.evaluations},
          {"lr", config.schedule.lr},
          {"seed", config.seed},
          {"sample_rate", config.render.sample_rate},
          {"frames", problem.target.size()},
          {"backend", backend_name(result.backend)},
          {"fast_math", config.render.fast_math},
          {"initial_loss", result.initial_loss},
          {"final_loss", result.final_loss},
          {"improvement_percent", improvement},
          {"best_lane", result.best_lane},
          {"seconds", result.seconds},
          {"params", params},
          {"frozen", frozen_json(job.frozen)},
          {"cannot_learn", cannot_learn_json(result.cannot_learn)},
          {"command", job.command}};
}

std::string plan_text(const TrainPlan& plan, const JobSpec& job, const SearchOptions& search) {
  std::string text = "training " + std::to_string(plan.params.size()) + " param" +
                     (plan.params.size() == 1 ? "" : "s") + ":";
  for (const TrainedParam& t : plan.params) text += " " + t.param.name();
  text += "\n";
  for (const FrozenParam& f : job.frozen)
    text += "  frozen: " + f.name + " = " + dump_json(param_values_json(f.values, f.scalar)) +
            " (" + f.reason + ")\n";
  for (const UnlearnableParam& u : plan.cannot_learn)
    text += "  cannot learn: " + u.param.name() + " (" + u.reason + ")\n";
  if (plan.search != "none")
    text += "  search: " + plan.search + ", up to " +
            std::to_string(search_budget(search.budget, plan.params.size())) + " candidates\n";
  return text;
}

std::string search_text(const SearchResult& found) {
  char line[256];
  std::snprintf(line, sizeof line,
                "search: %d candidates in %.1f s, best loss %.6g (seed %.6g); gradient stage "
                "from the best %zu\n",
                found.evaluations, found.seconds,
                found.losses.empty() ? found.seed_loss : found.losses[0], found.seed_loss,
                found.points.size());
  return line;
}

std::string summary_text(const TrainResult& result, const Json& summary, const JobSpec& job) {
  const fs::path dir(job.dir);
  const std::string fitted =
      job.fitted_patch ? "fitted patch:  " + (dir / "fitted.lisp").string() + "\n" : "";
  char line[256];
  std::snprintf(line, sizeof line, "loss %.6g -> %.6g (%.1f%% %s) after %d epoch%s%s in %.1f s\n",
                result.initial_loss, result.final_loss,
                std::fabs(summary["improvement_percent"].get<double>()),
                result.final_loss <= result.initial_loss ? "lower" : "higher", result.epochs_run,
                result.epochs_run == 1 ? "" : "s",
                result.stopped_early ? " (stopped: no more progress)" : "", result.seconds);
  return std::string(line) + fitted + "fitted params: " + (dir / "params.json").string() +
         "\nlisten:        " + (dir / "ab.wav").string() + " (the target, then the fit)" +
         "\nreport:        " + (dir / "report.html").string() + "\n";
}

TrainResult run_job(const TrainProblem& problem, const TrainConfig& config, const JobSpec& job,
                    EventWriter& events, ProgressBar& bar) {
  std::error_code ec;
  fs::create_directories(job.dir, ec);
  if (ec || !fs::is_directory(job.dir)) throw Error("cannot create the job directory " + job.dir);
  const fs::path dir(job.dir);
  const std::string params_path = (dir / "params.json").string();

  std::vector<TrainedParam> trained;
  std::vector<ReportMark> marks;
  double last_lr = 0;
  const double sr = config.render.sample_rate;
  TrainCallbacks callbacks;
  callbacks.on_start = [&](const TrainPlan& plan) {
    trained = plan.params;
    events.write("plan", plan_json(plan, problem, config, job));
    bar.note(plan_text(plan, job, config.search));
  };
  callbacks.on_search = [&](const SearchProgress& p) {
    events.write("search", {{"stage", p.stage},
                            {"evaluations", p.evaluations},
                            {"best_loss", p.best_loss},
                            {"step", p.step}});
  };
  callbacks.on_search_done = [&](const SearchResult& found) {
    events.write("search", search_done_json(found, trained));
    bar.note(search_text(found));
  };
  callbacks.on_epoch = [&](const EpochReport& e) {
    bar.update(e.epoch, e.best_loss);
    for (const SkippedStep& skip : e.skipped) {
      Json fields = {{"epoch", e.epoch}, {"reason", skip.reason}, {"step_scale", skip.step_scale}};
      if (config.lanes > 1) fields["lane"] = skip.lane;
      events.write("skip", fields);
    }
    events.write("epoch", epoch_json(e, trained, config.lanes));
    if (e.stage == "polish") {
      if (marks.empty() || marks.back().label != "polish") marks.push_back({e.epoch, "polish"});
    } else {
      if (e.epoch == config.schedule.warmup + 1) marks.push_back({e.epoch, "full step"});
      if (e.epoch > 1 && e.lr < last_lr) marks.push_back({e.epoch, "step halved"});
      last_lr = e.lr;
    }
    if (job.checkpoint_every > 0 && e.epoch % job.checkpoint_every == 0) {
      write_params_file(params_path, trained, e.best_values);
      const std::string preview = write_preview(dir, e.epoch, e.audio(), sr);
      events.write("checkpoint", {{"epoch", e.epoch},
                                  {"path", params_path},
                                  {"best_loss", e.best_loss},
                                  {"preview", preview}});
    }
  };
  TrainResult result = train(problem, config, callbacks);
  bar.finish();
  if (result.stopped_early) {
    events.write("stop", {{"epoch", result.epochs_run},
                          {"reason", "the best loss stopped improving"},
                          {"best_loss", result.final_loss}});
    marks.push_back({result.epochs_run, "stopped"});
  }

  std::vector<std::vector<float>> final_values;
  for (const TrainedParam& t : result.params) final_values.push_back(t.to);
  write_params_file(params_path, result.params, final_values);
  write_audio_files(dir, problem.target, result.seed_audio, result.final_audio, sr);
  Json summary = result_json(result, problem, config, job);
  if (job.fitted_patch) {
    write_file_atomically((dir / "fitted.lisp").string(), job.fitted_patch());
    summary["fitted_patch"] = (dir / "fitted.lisp").string();
  }
  write_file_atomically((dir / "result.json").string(), dump_json(summary, 2) + "\n");
  ReportInput report{fs::path(job.patch).filename().string(),
                     summary,
                     result.loss_curve,
                     marks,
                     sr,
                     problem.target,
                     result.seed_audio,
                     result.final_audio};
  const std::string report_path = (dir / "report.html").string();
  write_file_atomically(report_path, report_html(report));

  Json done = summary;
  done["job_dir"] = job.dir;
  done["report"] = report_path;
  events.write("result", done);
  bar.note(summary_text(result, summary, job));
  return result;
}

}  // namespace dgen::train

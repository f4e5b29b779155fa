#include "train/job.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "dgen/error.hpp"
#include "runtime/backends.hpp"
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

Json plan_json(const std::vector<TrainedParam>& params, Backend backend,
               const TrainProblem& problem, const TrainConfig& config, const JobSpec& job) {
  Json list = Json::array();
  for (const TrainedParam& t : params) {
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
          {"optimizer", "adam"},
          {"lr", config.lr},
          {"epochs", config.epochs},
          {"lanes", config.lanes},
          {"seed", config.seed},
          {"backend", backend_name(backend)},
          {"params", list}};
}

Json epoch_json(const EpochReport& e, const std::vector<TrainedParam>& params, int lanes) {
  Json out = {{"epoch", e.epoch},
              {"loss", e.lane_losses[size_t(e.lane)]},
              {"best_loss", e.best_loss},
              {"params", values_json(params, e.values)}};
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
          {"epochs", config.epochs},
          {"lanes", config.lanes},
          {"lr", config.lr},
          {"seed", config.seed},
          {"sample_rate", config.render.sample_rate},
          {"frames", problem.target.size()},
          {"backend", backend_name(result.backend)},
          {"initial_loss", result.initial_loss},
          {"final_loss", result.final_loss},
          {"improvement_percent", improvement},
          {"best_lane", result.best_lane},
          {"seconds", result.seconds},
          {"params", params}};
}

TrainResult run_job(const TrainProblem& problem, const TrainConfig& config, const JobSpec& job,
                    EventWriter& events, ProgressBar& bar) {
  std::error_code ec;
  fs::create_directories(job.dir, ec);
  if (ec || !fs::is_directory(job.dir)) throw Error("cannot create the job directory " + job.dir);
  const fs::path dir(job.dir);
  const std::string params_path = (dir / "params.json").string();

  std::vector<TrainedParam> trained;
  TrainCallbacks callbacks;
  callbacks.on_start = [&](const std::vector<TrainedParam>& params, Backend backend) {
    trained = params;
    events.write("plan", plan_json(params, backend, problem, config, job));
  };
  callbacks.on_epoch = [&](const EpochReport& e) {
    bar.update(e.epoch, e.best_loss);
    for (const SkippedStep& skip : e.skipped) {
      Json fields = {{"epoch", e.epoch}, {"reason", skip.reason}, {"step_scale", skip.step_scale}};
      if (config.lanes > 1) fields["lane"] = skip.lane;
      events.write("skip", fields);
    }
    events.write("epoch", epoch_json(e, trained, config.lanes));
    if (job.checkpoint_every > 0 && e.epoch % job.checkpoint_every == 0) {
      write_params_file(params_path, trained, e.best_values);
      events.write("checkpoint",
                   {{"epoch", e.epoch}, {"path", params_path}, {"best_loss", e.best_loss}});
    }
  };
  TrainResult result = train(problem, config, callbacks);
  bar.finish();

  std::vector<std::vector<float>> final_values;
  for (const TrainedParam& t : result.params) final_values.push_back(t.to);
  write_params_file(params_path, result.params, final_values);
  const double sr = config.render.sample_rate;
  write_file_atomically((dir / "seed.wav").string(),
                        wav_bytes(result.seed_audio, sr, WavFormat::Float32));
  write_file_atomically((dir / "final.wav").string(),
                        wav_bytes(result.final_audio, sr, WavFormat::Float32));
  const Json summary = result_json(result, problem, config, job);
  write_file_atomically((dir / "result.json").string(), dump_json(summary, 2) + "\n");
  ReportInput report{fs::path(job.patch).filename().string(),
                     summary,
                     result.loss_curve,
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
  return result;
}

}  // namespace dgen::train

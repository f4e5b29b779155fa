// dgen grad PATCH --target T.wav: the loss between the patch's channel 1 and the target,
// and its gradient for every param, as one JSON object on stdout (SPEC §7).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "dgen/grad.hpp"
#include "target_options.hpp"
#include "train/events.hpp"

namespace dgen::cli {
namespace {

struct GradArgs {
  std::string patch, backend = "auto";
  bool fast_math = false;
  ParamSettings params;
  StreamOptions stream;
  TargetOptions target;
};

// A gradient as JSON: a number for a scalar param, an array for a tensor (null where
// it is not finite, since JSON has no inf or NaN).
train::Json grad_json(const Param& p) {
  const std::vector<double>& g = p.grad();
  if (p.data()->shape.empty() && g.size() == 1) return g[0];
  return g;
}

int grad(GradArgs& args) {
  lisp::Patch patch = lisp::load_patch_file(args.patch);
  apply_params(args.params, patch);
  const TargetRun run = resolve_target_run(args.target, args.stream, patch);
  const train::TargetLoss loss =
      train::loss_against_target(run.loss, run.output, run.target, run.stream.channels());
  RenderOptions options;
  options.sample_rate = run.stream.sample_rate;
  options.backend = parse_backend(args.backend);
  options.fast_math = args.fast_math;
  for (lisp::ParamInfo& p : patch.params) p.param.zero_grad();
  const double value = backward(loss.loss, run.stream.frames, options, loss.inputs);

  train::Json grads = train::Json::object();
  for (const lisp::ParamInfo& p : patch.params) grads[p.param.name()] = grad_json(p.param);
  std::cout << train::dump_json({{"loss", value}, {"grads", grads}}) << "\n";
  return kExitOk;
}

}  // namespace

Command grad_command() {
  return {"grad", "Print the loss against a target and its gradient for every param",
          [](CLI::App& app) -> Action {
            auto args = std::make_shared<GradArgs>();
            app.add_option("patch", args->patch, "The patch (.lisp)")->required();
            add_target_options(app, args->target);
            add_stream_options(app, args->stream);
            add_param_options(app, args->params);
            add_backend_option(app, args->backend);
            add_fast_math_option(app, args->fast_math);
            return [args] { return grad(*args); };
          }};
}

}  // namespace dgen::cli

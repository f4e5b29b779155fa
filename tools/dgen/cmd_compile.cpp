// dgen compile PATCH -o DIR: builds the real-time plugin DIR/NAME.so, its manifest
// DIR/NAME.json and the generated source DIR/NAME.c (SPEC §7, §8).
#include <filesystem>
#include <iostream>
#include <memory>

#include "atomic_file.hpp"
#include "command.hpp"
#include "dgen/error.hpp"
#include "ir/node.hpp"
#include "manifest.hpp"
#include "output_dir.hpp"
#include "run_options.hpp"
#include "runtime/pipeline.hpp"

namespace dgen::cli {
namespace fs = std::filesystem;
namespace {

struct CompileArgs {
  std::string patch, dir, name;
  int sample_rate = 44100;
  double output_ceiling = kDefaultOutputCeiling;
  ParamSettings params;
};

bool is_plain_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

int compile(const CompileArgs& args) {
  const std::string name = args.name.empty() ? fs::path(args.patch).stem().string() : args.name;
  if (!is_plain_name(name))
    throw UsageError("--name " + name + ": use letters, digits, '_', '-' and '.' (not first)");
  lisp::Patch patch = lisp::load_patch_file(args.patch);
  apply_params(args.params, patch);
  check_scalar_outputs(patch);
  std::vector<NodeRef> outputs;
  for (const Value& v : patch.outputs) outputs.push_back(v.node());
  pipeline::Trace trace{"plugin"};
  const Schedule schedule = pipeline::schedule(outputs, 1, trace);
  PluginSpec spec = lisp::plugin_spec(patch, args.sample_rate);
  spec.output_ceiling = args.output_ceiling;
  const std::string source = plugin_source(schedule, spec);
  const std::string manifest = plugin_manifest(patch, spec, name, plugin_state_size(schedule))
                                   .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                               "\n";

  const OutputDir created(args.dir);  // removed again if the compile fails
  std::error_code ec;
  fs::create_directories(args.dir, ec);
  if (ec) throw Error("cannot create directory " + args.dir + ": " + ec.message());
  const fs::path base = fs::path(args.dir) / name;
  AtomicFile c(base.string() + ".c"), so(base.string() + ".so"), json(base.string() + ".json");
  c.write(source);
  compile_plugin(c.temp_path(), so.temp_path());
  json.write(manifest);
  c.commit();
  json.commit();
  so.commit();  // last: a .so present means its manifest is too
  std::cout << "wrote " << so.target() << ", " << json.target() << ", " << c.target() << "\n";
  return kExitOk;
}

}  // namespace

Command compile_command() {
  return {
      "compile", "Build a real-time plugin (.so), its manifest (.json) and source (.c)",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<CompileArgs>();
        app.add_option("patch", args->patch, "The patch (.lisp)")->required();
        app.add_option("-o,--output", args->dir, "Directory to write into (created if missing)")
            ->type_name("DIR")
            ->required();
        app.add_option("--name", args->name, "Base name of the files (default: the patch's name)");
        app.add_option("--sample-rate", args->sample_rate,
                       "Sample rate recorded in the manifest, used when a host passes no context")
            ->check(at_least(0, false))
            ->default_str("44100");
        app.add_option("--output-ceiling", args->output_ceiling,
                       "Silence and reset the plugin when an output sample exceeds this "
                       "magnitude (docs/PLUGIN.md)")
            ->check(at_least(0, false))
            ->default_str("10000");
        add_param_options(app, args->params);
        return [args] { return compile(*args); };
      }};
}

}  // namespace dgen::cli

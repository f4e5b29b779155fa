// dgen compile PATCH -o DIR: builds the real-time plugin DIR/NAME.so, its manifest
// DIR/NAME.json and the generated source DIR/NAME.c (SPEC §7, §8); with --format lv2, an
// LV2 bundle: DIR/manifest.ttl, DIR/NAME.ttl, presets.ttl, NAME.so, NAME.c.
#include <filesystem>
#include <iostream>
#include <memory>

#include "atomic_file.hpp"
#include "command.hpp"
#include "dgen/error.hpp"
#include "ir/node.hpp"
#include "lv2_bundle.hpp"
#include "manifest.hpp"
#include "output_dir.hpp"
#include "run_options.hpp"
#include "runtime/backends.hpp"
#include "runtime/pipeline.hpp"

namespace dgen::cli {
namespace fs = std::filesystem;
namespace {

struct CompileArgs {
  std::string patch, dir, name, format = "so", uri;
  int sample_rate = 44100;
  double output_ceiling = kDefaultOutputCeiling;
  ParamSettings params;
  std::vector<std::string> presets;  // NAME=FILE.json
};

// An instrument's voices when its patch gives no @voices (docs/PLUGIN.md).
constexpr int kDefaultVoices = 8;

bool is_plain_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

// --preset NAME=FILE.json: a params file (`dgen train`'s params.json) as a preset.
std::vector<Lv2Preset> read_presets(const std::vector<std::string>& args, lisp::Patch& patch) {
  std::vector<Lv2Preset> presets;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == arg.size())
      throw UsageError("--preset " + arg + ": expected NAME=FILE.json");
    Lv2Preset preset{arg.substr(0, eq), {}};
    for (const auto& [name, values] : read_params_file(arg.substr(eq + 1))) {
      const ParamData& p = *find_param(patch, name).param.data();
      if (!p.shape.empty() || values.size() != 1)
        throw Error("preset " + preset.name + ": '" + name +
                    "' is a tensor param; a preset holds the plugin's scalar params");
      preset.values[p.name] = values[0];
    }
    presets.push_back(std::move(preset));
  }
  return presets;
}

// The files of the plugin, written under temporary names first.
struct PluginFiles {
  std::string source;
  std::vector<std::pair<std::string, std::string>> texts;  // file name, contents
};

int compile(const CompileArgs& args) {
  const std::string name = args.name.empty() ? fs::path(args.patch).stem().string() : args.name;
  if (!is_plain_name(name))
    throw UsageError("--name " + name + ": use letters, digits, '_', '-' and '.' (not first)");
  const bool lv2 = args.format == "lv2";
  if (!lv2 && (!args.presets.empty() || !args.uri.empty()))
    throw UsageError("--preset and --uri are for --format lv2");
  const BackendDef& backend = plugin_backend();
  lisp::Patch patch = lisp::load_patch_file(args.patch);
  apply_params(args.params, patch);
  check_scalar_outputs(patch);
  const std::vector<Lv2Preset> presets = read_presets(args.presets, patch);
  std::vector<NodeRef> outputs;
  for (const Value& v : patch.outputs) outputs.push_back(v.node());
  // An LV2 instrument's voices are lanes; the C ABI plugin renders one voice.
  const int lanes =
      lv2 && lisp::is_instrument(patch) ? (patch.voices ? patch.voices : kDefaultVoices) : 1;
  pipeline::Trace trace{"plugin"};
  const Schedule schedule = pipeline::schedule(outputs, lanes, trace);
  PluginSpec spec = lisp::plugin_spec(patch, args.sample_rate);
  spec.output_ceiling = args.output_ceiling;
  PluginFiles files;
  if (lv2) {
    spec.format = PluginFormat::lv2;
    spec.lv2_uri = args.uri.empty() ? "urn:dgen:" + name : args.uri;
    const Lv2Bundle bundle = lv2_bundle(patch, spec, name, presets);
    files.texts = {{"manifest.ttl", bundle.manifest}, {name + ".ttl", bundle.plugin}};
    if (!bundle.presets.empty()) files.texts.push_back({"presets.ttl", bundle.presets});
  } else {
    files.texts = {
        {name + ".json", plugin_manifest(patch, spec, name, plugin_state_size(schedule))
                                 .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                             "\n"}};
  }
  files.source = backend.plugin_source(schedule, spec);

  const OutputDir created(args.dir);  // removed again if the compile fails
  std::error_code ec;
  fs::create_directories(args.dir, ec);
  if (ec) throw Error("cannot create directory " + args.dir + ": " + ec.message());
  const fs::path base = fs::path(args.dir) / name;
  AtomicFile c(base.string() + ".c"), so(base.string() + ".so");
  std::vector<std::unique_ptr<AtomicFile>> texts;
  for (const auto& [file, text] : files.texts) {
    texts.push_back(std::make_unique<AtomicFile>((fs::path(args.dir) / file).string()));
    texts.back()->write(text);
  }
  c.write(files.source);
  backend.build_plugin(c.temp_path(), so.temp_path());
  c.commit();
  for (auto& text : texts) text->commit();
  so.commit();  // last: a .so present means its descriptions are too
  std::cout << "wrote " << so.target();
  for (auto& text : texts) std::cout << ", " << text->target();
  std::cout << ", " << c.target() << "\n";
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
        app.add_option("--format", args->format,
                       "so: the C ABI plugin and its JSON manifest; lv2: an LV2 bundle "
                       "(docs/PLUGIN.md)")
            ->check(CLI::IsMember({"so", "lv2"}))
            ->default_str("so");
        app.add_option("--uri", args->uri, "The LV2 plugin's URI (default urn:dgen:NAME)");
        app.add_option("--preset", args->presets,
                       "Add an LV2 preset from a params file, e.g. --preset fitted=job/params.json "
                       "(repeatable)")
            ->type_name("NAME=FILE.json");
        add_param_options(app, args->params);
        return [args] { return compile(*args); };
      }};
}

}  // namespace dgen::cli

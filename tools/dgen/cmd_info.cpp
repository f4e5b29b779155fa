// dgen info PATCH: the patch's params, inputs and outputs, and the compiled schedule
// (regions, their rate and kind, buffer sizes) (SPEC §7); with --dump STAGE, one stage of
// the compilation pipeline instead (runtime/pipeline.hpp).
#include <iostream>
#include <memory>
#include <sstream>

#include "command.hpp"
#include "lisp/patch.hpp"
#include "run_options.hpp"
#include "runtime/backends.hpp"
#include "runtime/pipeline.hpp"

namespace dgen::cli {
namespace {

std::string describe_param(const lisp::ParamInfo& info) {
  const ParamData& p = *info.param.data();
  std::ostringstream out;
  out << "  " << p.name;
  if (!p.shape.empty())
    out << " " << to_string(p.shape);
  else
    out << " = " << p.value.at(0);
  if (p.min || p.max) {
    out << " in [";
    p.min ? out << *p.min : out << "-inf";
    out << ", ";
    p.max ? out << *p.max : out << "inf";
    out << "]";
  }
  const std::pair<const char*, const std::string*> fields[] = {{"unit", &p.unit},
                                                               {"group", &p.group},
                                                               {"env", &p.env},
                                                               {"role", &p.role},
                                                               {"mod", &info.mod_mode}};
  for (const auto& [key, value] : fields)
    if (!value->empty()) out << " " << key << "=" << *value;
  if (info.mod && info.mod_mode.empty()) out << " mod";
  return out.str();
}

void print_ports(const char* title, const std::vector<lisp::PortInfo>& ports,
                 const std::vector<Value>* values = nullptr) {
  std::cout << title << " (" << ports.size() << "):\n";
  for (size_t k = 0; k < ports.size(); ++k) {
    std::cout << "  " << ports[k].channel;
    if (!ports[k].name.empty()) std::cout << " " << ports[k].name;
    if (values && !(*values)[k].shape().empty())
      std::cout << " " << to_string((*values)[k].shape());
    std::cout << "\n";
  }
}

// One stage's dump (runtime/pipeline.hpp); lir and source are `backend`'s.
int dump(const std::string& path, const std::string& stage, const std::string& backend) {
  const lisp::Patch patch = lisp::load_patch_file(path);
  std::vector<NodeRef> outputs;
  for (const Value& v : patch.outputs) outputs.push_back(v.node());
  const Backend asked = *backend_named(backend);
  std::cout << pipeline::dump(*pipeline::stage_named(stage), outputs, 1,
                              asked == Backend::Auto ? resolve_backend(asked) : asked);
  return kExitOk;
}

int info(const std::string& path) {
  const lisp::Patch patch = lisp::load_patch_file(path);
  RenderOptions options;
  options.backend = Backend::Interp;  // the schedule is the same on every backend; skip compiling C
  const Program program(patch.outputs, options);
  std::cout << "patch: " << patch.file << "\n";
  std::cout << "params (" << patch.params.size() << "):\n";
  for (const lisp::ParamInfo& p : patch.params) std::cout << describe_param(p) << "\n";
  print_ports("inputs", patch.input_ports);
  print_ports("outputs", patch.output_ports, &patch.outputs);
  std::cout << "schedule:\n" << program.describe();
  return kExitOk;
}

}  // namespace

Command info_command() {
  return {"info", "Show a patch's params, inputs, outputs and compiled schedule",
          [](CLI::App& app) -> Action {
            struct Args {
              std::string path, stage, backend = "auto";
            };
            auto args = std::make_shared<Args>();
            app.add_option("patch", args->path, "The patch (.lisp)")->required();
            app.add_option("--dump", args->stage,
                           "Print one stage of the compilation instead: graph, schedule, lir or "
                           "source")
                ->check(CLI::IsMember(pipeline::stage_names()));
            add_backend_option(app, args->backend);
            return [args] {
              return args->stage.empty() ? info(args->path)
                                         : dump(args->path, args->stage, args->backend);
            };
          }};
}

}  // namespace dgen::cli

// dgen info PATCH: the patch's params, inputs and outputs, and the compiled schedule
// (regions, their rate and kind, buffer sizes) (SPEC §7).
#include <iostream>
#include <memory>
#include <sstream>

#include "command.hpp"
#include "lisp/patch.hpp"

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
            auto path = std::make_shared<std::string>();
            app.add_option("patch", *path, "The patch (.lisp)")->required();
            return [path] { return info(*path); };
          }};
}

}  // namespace dgen::cli

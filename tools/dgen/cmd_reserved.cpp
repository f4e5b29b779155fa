// Names reserved for commands that are specified (SPEC §7) but not built yet, so that
// `dgen grad` says so instead of "unknown command".
#include <iostream>

#include "command.hpp"

namespace dgen::cli {

Command not_implemented_command(std::string name, std::string summary) {
  return {name, summary + " (not implemented yet)", [name](CLI::App& app) -> Action {
            app.allow_extras();
            return [name] {
              std::cerr << "dgen " << name << ": not implemented in this build yet\n";
              return int(kExitUserError);
            };
          }};
}

}  // namespace dgen::cli

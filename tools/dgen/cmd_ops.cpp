// dgen ops: prints the operator reference, docs/OPS.md (src/lisp/op_reference.hpp).
#include <iostream>

#include "command.hpp"
#include "lisp/op_reference.hpp"

namespace dgen::cli {

Command ops_command() {
  return {"ops", "Print the operator reference (docs/OPS.md) as Markdown", [](CLI::App&) -> Action {
            return [] {
              std::cout << lisp::operator_reference();
              return int(kExitOk);
            };
          }};
}

}  // namespace dgen::cli

// The pieces every `dgen` command shares: how a command plugs into the program, exit
// codes, and the exception for usage mistakes found after argument parsing.
//
// A command is one file (cmd_NAME.cpp) defining a function that returns its Command;
// main.cpp lists them. To add one: write the file, declare its function below, add it
// to the list in main.cpp.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>
#include <string>

namespace dgen::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitUserError = 1,   // bad patch, unreadable file, unknown param: one line on stderr
  kExitUsageError = 2,  // bad command line
};

// A command-line mistake found after parsing (e.g. a malformed --set): exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Action = std::function<int()>;

// The command line dgen was started with, each argument quoted for a POSIX shell where it
// needs it (what a job records so it can be run again).
std::string shell_command_line();

struct Command {
  std::string name, summary;
  // Declares the command's arguments on `app` and returns what runs once they are
  // parsed. Throwing dgen::Error from the action means a user error (exit 1).
  std::function<Action(CLI::App& app)> setup;
};

Command render_command();
Command compile_command();
Command info_command();
Command grad_command();
Command train_command();
Command ops_command();
Command analyze_command();

}  // namespace dgen::cli

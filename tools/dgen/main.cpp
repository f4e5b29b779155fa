// dgen: the command line (SPEC §7). Dispatches to one command per file and turns every
// failure into an exit code and one line on stderr, never a crash or a stack trace.
#include <iostream>
#include <new>
#include <vector>

#include "command.hpp"
#include "dgen/error.hpp"
#include "lisp/patch.hpp"

namespace dgen::cli {
namespace {

std::vector<std::string>& arguments() {
  static std::vector<std::string> args;
  return args;
}

// 'it''s' for a shell: plain words stay as they are.
std::string shell_quoted(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-+=/.,:@%") == std::string::npos;
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<Command> all_commands() {
  return {
      render_command(), compile_command(), info_command(),    grad_command(),
      train_command(),  ops_command(),     analyze_command(),
  };
}

int run_reporting_errors(const std::string& command, const Action& action) {
  const std::string prefix = "dgen " + command + ": ";
  try {
    return action();
  } catch (const lisp::PatchError& e) {
    std::cerr << e.what() << "\n";  // file:line:col: message
  } catch (const UsageError& e) {
    std::cerr << prefix << e.what() << "\nRun with --help for more information.\n";
    return kExitUsageError;
  } catch (const Error& e) {
    std::cerr << prefix << e.what() << "\n";
  } catch (const std::bad_alloc&) {
    std::cerr << prefix << "out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << prefix << "internal error: " << e.what() << "\n";
  }
  return kExitUserError;
}

int main(int argc, char** argv) {
  arguments().assign(argv, argv + argc);
  CLI::App app{"dgen: render, compile and inspect differentiable audio patches", "dgen"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dgen " DGEN_VERSION, "Print the version and exit");
  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const Command& command : all_commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    actions.emplace_back(sub, command.setup(*sub));
  }
  if (argc < 2) {  // a bare `dgen` shows what there is
    std::cerr << app.help();
    return kExitUsageError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsageError;  // --help and --version exit 0
  }
  for (const auto& [sub, action] : actions)
    if (sub->parsed()) return run_reporting_errors(sub->get_name(), action);
  return kExitUsageError;
}

}  // namespace

std::string shell_command_line() {
  std::string out;
  for (const std::string& word : arguments()) out += (out.empty() ? "" : " ") + shell_quoted(word);
  return out;
}

}  // namespace dgen::cli

int main(int argc, char** argv) { return dgen::cli::main(argc, argv); }

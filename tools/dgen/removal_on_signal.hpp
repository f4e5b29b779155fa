// Paths to remove when SIGINT, SIGTERM or SIGHUP ends the program (docs/CLI.md: an
// interrupted command leaves no temporary file). The handler removes every registered
// path (files, then directories that are empty once those files are gone), then lets
// the signal end the program as it would have (so a shell sees 130 for Ctrl-C).
// Signals the program was started ignoring (nohup) stay ignored.
#pragma once
#include <csignal>
#include <string>

namespace dgen::cli {

// Registers `path`; returns the slot to pass to forget_on_signal, or -1 when every slot
// is taken (the file is then left to the normal error paths).
int remove_on_signal(const std::string& path);
void forget_on_signal(int slot);

// While alive, holds back the signals above (they arrive when it ends): a file created
// and registered under it is never on disk unregistered when one of them ends the program.
class EndingSignalsHeld {
 public:
  EndingSignalsHeld();
  ~EndingSignalsHeld();
  EndingSignalsHeld(const EndingSignalsHeld&) = delete;
  EndingSignalsHeld& operator=(const EndingSignalsHeld&) = delete;

 private:
  sigset_t before_;
};

}  // namespace dgen::cli

// Outputs that appear complete or not at all (SPEC §7, docs/CLI.md): each is written
// under a temporary name in its target's directory and renamed over the target on
// commit. An output that is never committed (an error, an exception, SIGINT, SIGTERM or
// SIGHUP) leaves nothing behind.
#pragma once
#include <string>
#include <string_view>

namespace dgen::cli {

class AtomicFile {
 public:
  // Creates an empty temporary file beside `target`. Throws dgen::Error when the
  // directory is not writable.
  explicit AtomicFile(std::string target);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Where to write (directly, or by a tool such as the C compiler).
  const std::string& temp_path() const { return temp_; }
  const std::string& target() const { return target_; }
  void write(std::string_view bytes);  // replaces the temporary file's contents
  void commit();                       // renames it to the target

 private:
  std::string target_, temp_;
  int signal_slot_ = -1;  // where the signal handler finds temp_ to remove it
  bool committed_ = false;
};

}  // namespace dgen::cli

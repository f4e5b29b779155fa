#include "atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "dgen/error.hpp"
#include "removal_on_signal.hpp"

namespace dgen::cli {
namespace fs = std::filesystem;

namespace {

// mkstemp creates 0600 files; outputs get the usual permissions (0666 less the umask).
void set_default_permissions(int fd) {
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
}

}  // namespace

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {
  const fs::path path(target_);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  // Keeps the extension: tools such as the C compiler go by it.
  const std::string extension = path.extension().string();
  std::string pattern = (dir / ("." + path.stem().string() + ".tmp-XXXXXX" + extension)).string();
  // The file is registered for removal on a signal before a signal can end the command
  // with it on disk: a SIGINT between its creation and its registration left it behind,
  // and with it the output directory it kept from being empty (seen under load:
  // CliRenderProcess.InterruptedCompileRemovesTheDirectoriesItCreated).
  int fd = -1, error = 0;
  {
    const EndingSignalsHeld held;
    fd = mkstemps(pattern.data(), int(extension.size()));
    error = errno;
    if (fd >= 0) signal_slot_ = remove_on_signal(pattern);
  }
  if (fd < 0) throw Error("cannot write " + target_ + ": " + std::strerror(error));
  set_default_permissions(fd);
  close(fd);
  temp_ = pattern;
}

AtomicFile::~AtomicFile() {
  if (!committed_) std::remove(temp_.c_str());
  forget_on_signal(signal_slot_);
}

void AtomicFile::write(std::string_view bytes) {
  std::ofstream out(temp_, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  if (!out) throw Error("cannot write " + target_ + " (disk full?)");
}

void AtomicFile::commit() {
  if (std::rename(temp_.c_str(), target_.c_str()) != 0)
    throw Error("cannot write " + target_ + ": " + std::strerror(errno));
  committed_ = true;
  forget_on_signal(signal_slot_);
  signal_slot_ = -1;
}

}  // namespace dgen::cli

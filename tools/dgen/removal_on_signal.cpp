#include "removal_on_signal.hpp"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace dgen::cli {
namespace {

// A signal handler may only touch lock-free atomics and call async-signal-safe
// functions (unlink, rmdir, signal, raise): the paths are C strings in fixed slots.
constexpr int kSlots = 16;
constexpr int kEndingSignals[] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<char*> g_paths[kSlots];
static_assert(std::atomic<char*>::is_always_lock_free);

extern "C" void remove_and_reraise(int signal) {
  for (std::atomic<char*>& slot : g_paths)  // files first, then the emptied directories
    if (const char* path = slot.load()) unlink(path);
  for (std::atomic<char*>& slot : g_paths)
    if (const char* path = slot.load()) rmdir(path);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void install_handlers() {
  for (const int signal : kEndingSignals) {
    struct sigaction old {};
    sigaction(signal, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = remove_and_reraise;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, nullptr);
  }
}

}  // namespace

int remove_on_signal(const std::string& path) {
  static const bool installed = (install_handlers(), true);
  (void)installed;
  char* copy = strdup(path.c_str());
  for (int i = 0; i < kSlots; ++i) {
    char* empty = nullptr;
    if (g_paths[i].compare_exchange_strong(empty, copy)) return i;
  }
  std::free(copy);
  return -1;
}

void forget_on_signal(int slot) {
  if (slot >= 0) std::free(g_paths[slot].exchange(nullptr));
}

EndingSignalsHeld::EndingSignalsHeld() {
  sigset_t ending;
  sigemptyset(&ending);
  for (const int signal : kEndingSignals) sigaddset(&ending, signal);
  pthread_sigmask(SIG_BLOCK, &ending, &before_);
}

EndingSignalsHeld::~EndingSignalsHeld() { pthread_sigmask(SIG_SETMASK, &before_, nullptr); }

}  // namespace dgen::cli

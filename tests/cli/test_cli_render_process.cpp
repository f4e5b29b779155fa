// dgen render as a process (docs/CLI.md): its memory does not grow with the render's
// length, and an interrupted render leaves no temporary file; an interrupted compile
// leaves no directory it created.
#ifdef DGEN_HAVE_LISP
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "cli/cli_support.hpp"
#include "core/env_var.hpp"

namespace dgen::test {
namespace {

// Starts `dgen args...` in `dir` with stdout and stderr to /dev/null.
pid_t spawn_dgen(const std::vector<std::string>& args, const TempDir& dir) {
  const std::string program = DGEN_BINARY_DIR "/dgen";
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    if (chdir(dir.path.c_str()) != 0 || null < 0) _exit(127);
    dup2(null, 1);
    dup2(null, 2);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Peak resident memory of a finished child in KiB (its own and its waited children's).
long wait_peak_rss_kib(pid_t pid, int& status) {
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  return usage.ru_maxrss;
}

TEST(CliRenderProcess, MemoryDoesNotGrowWithTheRenderLength) {
  TempDir dir;
  dir.write("sine.lisp", "(out (sin (* twopi (phasor 440))) 1)\n(out (noise) 2)\n");
  // Compile once so the measured runs load the cached object instead of running cc.
  ASSERT_EQ(run_dgen("render sine.lisp -o warm.wav --frames 10", dir).exit_code, 0);
  int status = 0;
  const long short_kib = wait_peak_rss_kib(
      spawn_dgen({"render", "sine.lisp", "-o", "a.wav", "--frames", "1e5"}, dir), status);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // 1e7 stereo frames are 80 MB of samples; the render holds a few blocks of them.
  const long long_kib = wait_peak_rss_kib(
      spawn_dgen({"render", "sine.lisp", "-o", "b.wav", "--frames", "1e7"}, dir), status);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(std::filesystem::file_size(dir / "b.wav") / 8 / 1000, 10000u);
  EXPECT_LT(long_kib, short_kib + 16 * 1024) << "peak RSS " << short_kib << " KiB for 1e5 frames";
}

TEST(CliRenderProcess, InterruptRemovesTheTemporaryFile) {
  for (const int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    TempDir dir;
    dir.write("sine.lisp", "(out (sin (* twopi (phasor 440))) 1)\n");
    const pid_t pid = spawn_dgen({"render", "sine.lisp", "-o", "long.wav", "--frames", "1e9"}, dir);
    // Wait until the render writes its temporary file: samples are going to disk.
    bool writing = false;
    for (int i = 0; i < 600 && !writing; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      for (const std::string& name : dir.list())
        if (name.find(".tmp") != std::string::npos &&
            std::filesystem::file_size(dir / name) > 1'000'000)
          writing = true;
    }
    kill(pid, signal);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(writing) << "no temporary file appeared";
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal) << status;
    EXPECT_EQ(dir.list(), std::vector<std::string>{"sine.lisp"});
  }
}

TEST(CliRenderProcess, InterruptedCompileRemovesTheDirectoriesItCreated) {
  TempDir dir;
  // Enough phasors that the C compiler runs for a while after the directory appears:
  // unstacked (stacked, they compile at once: docs/ARCHITECTURE.md, "Stacked scalars").
  const ScopedEnv unstacked("DGEN_STACK", "0");
  std::string sum = "(out (* 0.001 (+";
  for (int k = 0; k < 300; ++k) sum += " (phasor " + std::to_string(100 + k) + ")";
  dir.write("many.lisp", sum + ")) 1)\n");
  const pid_t pid = spawn_dgen({"compile", "many.lisp", "-o", "out/plugin"}, dir);
  bool created = false;
  for (int i = 0; i < 6000 && !created; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    created = std::filesystem::exists(dir / "out/plugin");
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(created) << "no output directory appeared";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
  EXPECT_EQ(dir.list(), std::vector<std::string>{"many.lisp"});
}

TEST(CliRenderProcess, ProgressOnATerminal) {
  TempDir dir;
  dir.write("sine.lisp", "(out (sin (* twopi (phasor 440))) 1)\n");
  const std::string program = DGEN_BINARY_DIR "/dgen";
  int terminal = -1;
  const pid_t pid = forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid == 0) {  // stderr is the terminal; the interpreter renders an hour for long
    if (chdir(dir.path.c_str()) == 0)
      execl(program.c_str(), program.c_str(), "render", "sine.lisp", "-o", "long.wav", "--seconds",
            "3600", "--backend", "interp", nullptr);
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  std::string seen;
  for (int i = 0; i < 600 && seen.find(" of 3600.0 s of audio (") == std::string::npos; ++i) {
    pollfd p{terminal, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buffer[256];
    const ssize_t n = read(terminal, buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, size_t(n));
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  close(terminal);
  EXPECT_NE(seen.find("\r\033[Kdgen render: "), std::string::npos) << seen;
  EXPECT_NE(seen.find(" of 3600.0 s of audio ("), std::string::npos) << seen;
  EXPECT_EQ(dir.list(), std::vector<std::string>{"sine.lisp"});
}

}  // namespace
}  // namespace dgen::test
#endif  // DGEN_HAVE_LISP

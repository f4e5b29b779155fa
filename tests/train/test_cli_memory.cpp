// `dgen train --lanes 100000` once crashed on a failed allocation (and with --loss mse
// grew to 23.6 GB): it is refused before anything large is allocated, with exit 1, the
// estimate and the limit (docs/CLI.md, "Memory limit"). The limit is set by
// DGEN_MEMORY_LIMIT so that the test does not depend on the machine.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "cli/cli_support.hpp"
#include "core/env_var.hpp"
#include "train/events.hpp"
#include "train/wav_bytes.hpp"

namespace dgen::test {
namespace {

TEST(CliMemory, TrainingWithMoreLanesThanFitIsRefusedCleanly) {
  TempDir dir;
  dir.write(
      "amp.lisp",
      "(param amp @default 0.1 @min 0 @max 1)\n(out (* amp (sin (* twopi (phasor 440)))) 1)\n");
  std::vector<float> target(22050);
  for (size_t t = 0; t < target.size(); ++t)
    target[t] = float(0.5 * std::sin(2 * std::numbers::pi * 440 * double(t) / 44100));
  dir.write("target.wav", train::wav_bytes(target, 44100, train::WavFormat::Float32));
  ScopedEnv limit("DGEN_MEMORY_LIMIT", "256M");
  for (const char* loss : {"mse", "mrstft"}) {
    SCOPED_TRACE(loss);
    const CommandResult r =
        run_dgen(std::string("train amp.lisp --target target.wav --job-dir job ") +
                     "--lanes 100000 --epochs 2 --loss " + loss,
                 dir);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const std::vector<std::string> err = lines(r.err);
    ASSERT_EQ(err.size(), 1u) << r.err;
    EXPECT_EQ(
        err[0].rfind("dgen train: a gradient run of 22050 frames in 100000 lanes needs about ", 0),
        0u)
        << err[0];
    EXPECT_NE(err[0].find("GiB"), std::string::npos) << err[0];
    EXPECT_NE(err[0].find("more than the memory limit of 256 MiB (set by DGEN_MEMORY_LIMIT"),
              std::string::npos)
        << err[0];
    const train::Json last = train::Json::parse(lines(r.out).back());
    EXPECT_EQ(last["event"], "error");
  }
}

}  // namespace
}  // namespace dgen::test
#endif

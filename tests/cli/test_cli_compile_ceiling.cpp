// dgen compile --output-ceiling (docs/PLUGIN.md, "Runaway output"): recorded in the
// manifest, and the plugin silences output above it while passing what stays below.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

namespace dgen::test {
namespace {

// A sine of amplitude 2000: loud, but below the default ceiling of 10000.
constexpr const char* kLoud = "(out (* 2000 (sin (* twopi (phasor 440)))) 1)\n";

double peak_of_host_render(const TempDir& dir, const std::string& so) {
  const CommandResult r =
      run_program(DGEN_BINARY_DIR "/dgen_host", so + " got.wav --frames 2048", dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const Wav got = read_float_wav(read_file(dir / "got.wav"));
  double peak = 0;
  for (float v : got.channels.at(0)) peak = std::max(peak, double(std::fabs(v)));
  return peak;
}

TEST(CliCompile, OutputCeilingIsRecordedAndApplied) {
  TempDir dir;
  dir.write("loud.lisp", kLoud);
  ASSERT_EQ(run_dgen("compile loud.lisp -o plug", dir).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "plug/loud.json"))["output_ceiling"], 10000.0);
  EXPECT_NEAR(peak_of_host_render(dir, "plug/loud.so"), 2000, 1);

  const CommandResult low = run_dgen("compile loud.lisp -o low --output-ceiling 1000", dir);
  ASSERT_EQ(low.exit_code, 0) << low.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "low/loud.json"))["output_ceiling"], 1000.0);
  // The sine passes 1000 within its first quarter period (25 frames), and again in every
  // 256-frame period after a reset: what comes out stays at or below the ceiling.
  EXPECT_LE(peak_of_host_render(dir, "low/loud.so"), 1000);

  for (const char* bad : {"0", "-5", "nan", "inf", "loud"})  // not a finite number > 0: usage
    EXPECT_EQ(
        run_dgen(std::string("compile loud.lisp -o bad --output-ceiling ") + bad, dir).exit_code, 2)
        << bad;
  const CommandResult big = run_dgen("compile loud.lisp -o bad --output-ceiling 1e39", dir);
  EXPECT_EQ(big.exit_code, 1);  // above the largest float
  EXPECT_NE(big.err.find("the output ceiling must be in (0, 3.4e38], got 1e+39"), std::string::npos)
      << big.err;
}

}  // namespace
}  // namespace dgen::test
#endif

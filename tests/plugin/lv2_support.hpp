// Builds LV2 bundles with `dgen compile --format lv2` and runs the LV2 tools on them
// (lv2info, lv2apply, sord_validate), as a host or a user would.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace dgen::test {

// `dgen compile PATCH --format lv2 -o BUNDLE` with `extra` options; fails the test on error.
inline void compile_lv2(const std::string& patch, const std::string& bundle, const TempDir& dir,
                        const std::string& extra = "") {
  const CommandResult r =
      run_dgen("compile '" + patch + "' --format lv2 -o '" + bundle + "' " + extra, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// A program of the LV2 tools with LV2_PATH set to `lv2_path`.
inline CommandResult run_lv2_tool(const std::string& lv2_path, const std::string& command,
                                  const TempDir& dir) {
  return run_program("env", "LV2_PATH='" + lv2_path + "' " + command, dir);
}

// The largest |a - b| over two signals of one length.
inline double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
  return worst;
}

}  // namespace dgen::test

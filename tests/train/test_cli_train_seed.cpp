// `dgen train --seed S` seeds the whole run, the global search included (docs/TRAINING.md,
// "Global search": the design is shifted by --seed): the same seed gives the same search,
// another seed another one.
#ifdef DGEN_HAVE_LISP
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "cli/cli_support.hpp"
#include "train/events.hpp"
#include "train/wav_bytes.hpp"

namespace dgen::test {
namespace {

using train::Json;

// The `starts` of the search's `done` event: where the gradient stage would start.
Json search_starts(const std::string& seed, const TempDir& dir) {
  const CommandResult r = run_dgen("train tone.lisp --target target.wav --job-dir job-" + seed +
                                       " --loss mse --epochs 0 --search-budget 128 --seed " + seed,
                                   dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& line : lines(r.out)) {
    const Json e = Json::parse(line);
    if (e["event"] == "search" && e["stage"] == "done") return e["starts"];
  }
  ADD_FAILURE() << "no search done event in " << r.out;
  return {};
}

TEST(CliTrain, SeedShiftsTheSearchDesign) {
  TempDir dir;
  dir.write("tone.lisp",
            "(param freq @default 300 @min 100 @max 1000)\n"
            "(param amp @default 0.2 @min 0 @max 1)\n"
            "(out (* amp (sin (* twopi (phasor freq)))) 1)\n");
  std::vector<float> target(2048);
  for (size_t t = 0; t < target.size(); ++t)
    target[t] = float(0.5 * std::sin(2 * std::numbers::pi * 440 * double(t) / 44100));
  dir.write("target.wav", train::wav_bytes(target, 44100, train::WavFormat::Float32));
  const Json one = search_starts("1", dir), again = search_starts("1", dir),
             two = search_starts("2", dir);
  ASSERT_EQ(one.size(), 4u);  // the default keep
  EXPECT_EQ(one, again);
  // Another seed shifts the design and draws other CMA-ES samples: other best points.
  ASSERT_EQ(two.size(), 4u);
  EXPECT_NE(one[0]["params"], two[0]["params"]);
  EXPECT_NE(one, two);
}

}  // namespace
}  // namespace dgen::test
#endif

// `dgen train`'s seed for a note's pitch (docs/TRAINING.md, "The pitch from the target"): a
// trained `@note pitch` param at its default starts at the target's fundamental and is
// searched within a semitone of it; --pitch-prior off, a seed the user gave, or a param
// that is not a note's pitch keep the patch's value and the search's whole box.
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

// A band-limited saw at 73.4 Hz (a harmonic tone: minima of a spectral loss at its simple
// ratios) into a patch whose pitch defaults to 110 Hz, a fifth above.
struct PitchedRun {
  TempDir dir;
  PitchedRun(const std::string& note) {
    dir.write("saw.lisp", "(import std)\n(param freq " + note +
                              "@default 110 @min 20 @max 2000)\n"
                              "(param amp @default 0.2 @min 0 @max 1)\n"
                              "(out (* amp (saw freq)) 1)\n");
    std::vector<float> target(22050);
    for (size_t t = 0; t < target.size(); ++t)
      for (int k = 1; k * 73.4 < 8000; ++k)
        target[t] += float(0.3 / k * std::sin(2 * std::numbers::pi * k * 73.4 * double(t) / 44100));
    dir.write("target.wav", train::wav_bytes(target, 44100, train::WavFormat::Float32));
    dir.write("seed.json", R"({"params": {"freq": 98}})");
  }
  // The plan and the search's done event, and stderr.
  struct Events {
    Json plan, done;
    std::string err;
  };
  Events train(const std::string& options) {
    const CommandResult r = run_dgen(
        "train saw.lisp --target target.wav --job-dir job --epochs 0 "
        "--search-budget 256 --loss mse " +
            options,
        dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Events out{{}, {}, r.err};
    for (const std::string& line : lines(r.out)) {
      const Json e = Json::parse(line);
      if (e["event"] == "plan") out.plan = e;
      if (e["event"] == "search" && e["stage"] == "done") out.done = e;
    }
    return out;
  }
};

double seed_of(const Json& plan, const std::string& name) {
  for (const Json& p : plan["params"])
    if (p["name"] == name) return p["seed"].get<double>();
  ADD_FAILURE() << "no param " << name << " in " << plan.dump();
  return 0;
}

double cents(double got, double want) { return 1200 * std::log2(got / want); }

TEST(CliTrain, ANotesPitchStartsAtTheTargetsFundamental) {
  PitchedRun run("@note pitch ");
  const PitchedRun::Events on = run.train("");
  EXPECT_NEAR(cents(seed_of(on.plan, "freq"), 73.4), 0.0, 5.0) << on.plan.dump();
  EXPECT_NEAR(seed_of(on.plan, "amp"), 0.2, 1e-6);
  // A semitone in its log coordinate over 20 - 2000 Hz: ln(2^(1/12)) / ln(100).
  EXPECT_NEAR(on.plan["search"]["radii"]["freq"].get<double>(),
              std::log(2.0) / 12 / std::log(100.0), 1e-4);
  EXPECT_FALSE(on.plan["search"]["radii"].contains("amp"));
  EXPECT_NE(on.err.find("freq: starts at the target's fundamental, 73."), std::string::npos)
      << on.err;
  for (const Json& start : on.done["starts"])  // every start within a semitone
    EXPECT_LT(std::fabs(cents(start["params"]["freq"].get<double>(), 73.4)), 105.0) << start;

  const PitchedRun::Events off = run.train("--pitch-prior off");
  EXPECT_EQ(seed_of(off.plan, "freq"), 110.0);
  EXPECT_FALSE(off.plan["search"].contains("radii"));
  EXPECT_EQ(off.err.find("freq: starts at"), std::string::npos) << off.err;

  const PitchedRun::Events given = run.train("--seed-params seed.json");  // the user's seed wins
  EXPECT_EQ(seed_of(given.plan, "freq"), 98.0);
  EXPECT_FALSE(given.plan["search"].contains("radii"));

  const PitchedRun::Events held = run.train("--set freq=80");  // not trained
  EXPECT_FALSE(held.plan["search"].contains("radii"));
}

TEST(CliTrain, AParamThatIsNotANotesPitchKeepsItsSeed) {
  PitchedRun run("@unit Hz ");
  const PitchedRun::Events plain = run.train("");
  EXPECT_EQ(seed_of(plain.plan, "freq"), 110.0);
  EXPECT_FALSE(plain.plan["search"].contains("radii"));
}

}  // namespace
}  // namespace dgen::test
#endif

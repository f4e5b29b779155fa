// dgen grad and dgen train (SPEC §7) through the built program.
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

constexpr const char* kAmp =
    "(param amp @default 0.1 @min 0 @max 1)\n"
    "(out (* amp (sin (* twopi (phasor 440)))) 1)\n";

std::vector<float> sine(double amplitude, double sr, int64_t frames) {
  std::vector<float> x(static_cast<size_t>(frames));
  for (int64_t t = 0; t < frames; ++t)
    x[size_t(t)] = float(amplitude * std::sin(2 * std::numbers::pi * 440 * double(t) / sr));
  return x;
}

void write_target(const TempDir& dir, const std::string& name, double sr, int64_t frames) {
  dir.write(name, train::wav_bytes(sine(0.5, sr, frames), sr, train::WavFormat::Float32));
}

// mse of amp·s against 0.5·s: loss = Σ (amp − 0.5)² s², d loss / d amp = 2 Σ (amp − 0.5) s².
std::pair<double, double> mse_loss_and_grad(double amp, double sr, int64_t frames) {
  double power = 0;
  for (float s : sine(1.0, sr, frames)) power += double(s) * s;
  return {(amp - 0.5) * (amp - 0.5) * power, 2 * (amp - 0.5) * power};
}

TEST(CliGrad, MseLossAndGradientMatchTheClosedForm) {
  TempDir dir;
  dir.write("amp.lisp", kAmp);
  write_target(dir, "target.wav", 44100, 4096);
  const CommandResult r = run_dgen("grad amp.lisp --target target.wav --loss mse", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  const auto [loss, grad] = mse_loss_and_grad(0.1, 44100, 4096);
  EXPECT_NEAR(j["loss"].get<double>(), loss, 1e-4 * loss);
  EXPECT_NEAR(j["grads"]["amp"].get<double>(), grad, 1e-4 * std::fabs(grad));
  // --set moves the point the gradient is taken at; --frames shortens the run.
  const CommandResult s =
      run_dgen("grad amp.lisp --target target.wav --loss mse --set amp=0.7 --frames 1000", dir);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto [loss2, grad2] = mse_loss_and_grad(0.7, 44100, 1000);
  EXPECT_NEAR(Json::parse(s.out)["grads"]["amp"].get<double>(), grad2, 1e-4 * std::fabs(grad2));
  EXPECT_NEAR(Json::parse(s.out)["loss"].get<double>(), loss2, 1e-4 * loss2);
}

// --normalize peak scales the 0.5-peak target to 1 before the loss compares it.
TEST(CliGrad, NormalizePeakScalesTheTarget) {
  TempDir dir;
  dir.write("amp.lisp", kAmp);
  write_target(dir, "target.wav", 44100, 4096);
  const CommandResult r =
      run_dgen("grad amp.lisp --target target.wav --loss mse --normalize peak", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<float> target = sine(0.5, 44100, 4096), unit = sine(1.0, 44100, 4096);
  double peak = 0, want = 0;
  for (float s : target) peak = std::max(peak, double(std::fabs(s)));
  for (size_t t = 0; t < unit.size(); ++t) {
    const double d = 0.1 * unit[t] - target[t] / peak;
    want += d * d;
  }
  EXPECT_NEAR(Json::parse(r.out)["loss"].get<double>(), want, 1e-4 * want);
  EXPECT_EQ(run_dgen("grad amp.lisp --target target.wav --normalize rms", dir).exit_code, 2);
}

TEST(CliGrad, RunsAtTheTargetsRateAndResamplesOnlyWhenAsked) {
  TempDir dir;
  dir.write("amp.lisp", kAmp);
  write_target(dir, "t22k.wav", 22050, 2205);
  // Without --sample-rate the run is at the target's rate and length.
  const CommandResult own = run_dgen("grad amp.lisp --target t22k.wav --loss mse", dir);
  ASSERT_EQ(own.exit_code, 0) << own.err;
  const auto [loss, grad] = mse_loss_and_grad(0.1, 22050, 2205);
  EXPECT_NEAR(Json::parse(own.out)["grads"]["amp"].get<double>(), grad, 1e-4 * std::fabs(grad));

  const CommandResult mismatch =
      run_dgen("grad amp.lisp --target t22k.wav --sample-rate 44100", dir);
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_EQ(mismatch.err,
            "dgen grad: the target t22k.wav has sample rate 22050 Hz but the run is at 44100 Hz "
            "(add --resample to convert it)\n");

  const CommandResult resampled =
      run_dgen("grad amp.lisp --target t22k.wav --sample-rate 44100 --resample --loss mse", dir);
  ASSERT_EQ(resampled.exit_code, 0) << resampled.err;
  // Twice the frames at twice the rate: the same sound, about twice the summed loss.
  const auto [loss44, grad44] = mse_loss_and_grad(0.1, 44100, 4410);
  EXPECT_NEAR(Json::parse(resampled.out)["loss"].get<double>(), loss44, 0.02 * loss44);
}

TEST(CliGrad, NeedsAnOutOnChannelOne) {
  TempDir dir;
  dir.write("two.lisp", "(param amp @default 0.1)\n(out (* amp (phasor 440)) 2)\n");
  write_target(dir, "target.wav", 44100, 512);
  const CommandResult r = run_dgen("grad two.lisp --target target.wav", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "dgen grad: the patch has no out on channel 1 to compare with the target\n");
}

TEST(CliTrain, WritesTheJobAndItsParamsRenderTheFit) {
  TempDir dir;
  dir.write("amp.lisp", kAmp);
  write_target(dir, "target.wav", 44100, 4096);
  const CommandResult r = run_dgen(
      "train amp.lisp --target target.wav --job-dir job --loss mse --epochs 60 --checkpoint-every "
      "20",
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // stderr is a file: no progress bar
  std::vector<std::string> kinds;
  for (const std::string& line : lines(r.out)) kinds.push_back(Json::parse(line)["event"]);
  const Json result = Json::parse(read_file(dir / "job/result.json"));
  const int epochs = result["epochs_run"];
  EXPECT_GE(epochs, 40);                         // it may stop early once the fit is exact
  const bool stopped = result["stopped_early"];  // then a stop event before the result
  // The search (docs/TRAINING.md, "Global search"): one event per forward run of 64
  // candidates, then one with where the gradient stage starts.
  const auto searches = size_t(std::count(kinds.begin(), kinds.end(), "search"));
  EXPECT_EQ(searches, result["search_evaluations"].get<size_t>() / 64 + 1);
  EXPECT_EQ(kinds.at(1), "search");
  EXPECT_EQ(kinds.at(searches + 1), "epoch");
  ASSERT_EQ(kinds.size(), 1u + searches + size_t(epochs) + size_t(epochs / 20) + stopped + 1u);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "epoch"), epochs);
  EXPECT_EQ(kinds.front(), "plan");
  EXPECT_EQ(kinds.back(), "result");
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "checkpoint"), epochs / 20);
  // The polish's steps (docs/TRAINING.md, "The polish") are epochs after the optimiser's.
  const int polish = result["polish_steps"];
  EXPECT_EQ(Json::parse(lines(r.out).front())["polish"], 100);
  std::vector<std::string> stages;
  for (const std::string& line : lines(r.out))
    if (Json e = Json::parse(line); e["event"] == "epoch") stages.push_back(e["stage"]);
  ASSERT_EQ(stages.size(), size_t(epochs));
  for (size_t k = 0; k < stages.size(); ++k)
    EXPECT_EQ(stages[k], int(k) < epochs - polish ? "optimizer" : "polish") << k;
  EXPECT_EQ(
      list_dir(dir / "job"),
      (std::vector<std::string>{"ab.wav", "final.wav", "fitted.lisp", "params.json", "previews",
                                "report.html", "result.json", "seed.wav", "target.wav"}));
  EXPECT_EQ(result["command"],
            std::string(DGEN_BINARY_DIR) +
                "/dgen train amp.lisp --target target.wav --job-dir job --loss mse --epochs 60 "
                "--checkpoint-every 20");
  EXPECT_EQ(result["fitted_patch"], "job/fitted.lisp");
  const float amp = result["params"]["amp"]["to"];
  EXPECT_NEAR(amp, 0.5, 0.01);
  EXPECT_GT(result["improvement_percent"].get<double>(), 99.0);
  // params.json is what --params reads.
  const CommandResult render =
      run_dgen("render amp.lisp --params job/params.json -o fit.wav --frames 4096", dir);
  ASSERT_EQ(render.exit_code, 0) << render.err;
  const Wav fit = read_float_wav(read_file(dir / "fit.wav"));
  const std::vector<float> want = sine(amp, 44100, 4096);
  for (size_t t = 0; t < want.size(); ++t) ASSERT_NEAR(fit.channels[0][t], want[t], 1e-5) << t;
  // --seed-params starts from it: without the search, the first epoch is measured there.
  const CommandResult again = run_dgen(
      "train amp.lisp --target target.wav --job-dir job2 --loss mse --epochs 1 --search none "
      "--seed-params job/params.json",
      dir);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Json::parse(lines(again.out)[1])["params"]["amp"].get<float>(), amp);
}

// fitted.lisp is a patch that renders the fitted sound by itself: final.wav, sample for
// sample, with the held params (--set) written in too.
TEST(CliTrain, TheFittedPatchRendersTheFinalSound) {
  TempDir dir;
  dir.write("tone.lisp",
            "; a tone\n"
            "(param amp @default 0.1 @min 0 @max 1)  ; its level\n"
            "(param freq @default 430 @min 400 @max 480 @unit Hz)\n"
            "(param bright @min 0 @max 1)\n"
            "(out (* amp (+ (sin (* twopi (phasor freq))) (* bright 0.1 (sin (* 2 twopi (phasor "
            "freq)))))) 1)\n");
  write_target(dir, "target.wav", 44100, 4096);
  const CommandResult r = run_dgen(
      "train tone.lisp --target target.wav --job-dir job --epochs 30 --set bright=0.25", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string fitted = read_file(dir / "job/fitted.lisp");
  EXPECT_NE(fitted.find("; a tone\n(param amp @default "), std::string::npos) << fitted;
  EXPECT_NE(fitted.find("(param bright @default 0.25 @min 0 @max 1)"), std::string::npos) << fitted;
  const CommandResult render = run_dgen("render job/fitted.lisp -o fit.wav --frames 4096", dir);
  ASSERT_EQ(render.exit_code, 0) << render.err;
  const Wav fit = read_float_wav(read_file(dir / "fit.wav"));
  const Wav final_wav = read_float_wav(read_file(dir / "job/final.wav"));
  ASSERT_EQ(fit.channels.at(0).size(), final_wav.channels.at(0).size());
  for (size_t t = 0; t < fit.channels[0].size(); ++t)
    ASSERT_NEAR(fit.channels[0][t], final_wav.channels[0][t], 1e-6) << t;
  // ab.wav: the target, half a second of silence, the fit.
  const Wav ab = read_float_wav(read_file(dir / "job/ab.wav"));
  const Wav target = read_float_wav(read_file(dir / "job/target.wav"));
  ASSERT_EQ(ab.channels[0].size(), 4096u + 22050u + 4096u);
  EXPECT_EQ(std::vector<float>(ab.channels[0].begin(), ab.channels[0].begin() + 4096),
            target.channels[0]);
  EXPECT_EQ(std::vector<float>(ab.channels[0].end() - 4096, ab.channels[0].end()),
            final_wav.channels[0]);
}

// --in CH=pitch feeds the patch the fundamental of the target: a sine that follows it
// matches the target from the first epoch.
TEST(CliTrain, PitchAndGateInputsComeFromTheTarget) {
  TempDir dir;
  dir.write("follow.lisp",
            "(param amp @default 0.5 @min 0 @max 1)\n"
            "(out (* amp (in 2) (sin (* twopi (phasor (in 1))))) 1)\n");
  write_target(dir, "target.wav", 44100, 8192);  // 440 Hz
  const CommandResult r =
      run_dgen("grad follow.lisp --target target.wav --loss mrstft --in 1=pitch --in 2=gate", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const CommandResult off =
      run_dgen("grad follow.lisp --target target.wav --loss mrstft --in 1=430 --in 2=gate", dir);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  // 440 Hz from the analysis is far closer than 430 Hz by hand.
  EXPECT_LT(Json::parse(r.out)["loss"].get<double>(),
            0.2 * Json::parse(off.out)["loss"].get<double>());
  const CommandResult bad = run_dgen("grad follow.lisp --target target.wav --in 3=pitch", dir);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--in 3=pitch: the patch has no input channel 3"), std::string::npos)
      << bad.err;
}

TEST(CliAnalyze, PrintsTheFundamentalAndTheNotes) {
  TempDir dir;
  std::vector<float> x(22050, 0.0f);
  const std::vector<float> tone = sine(0.5, 44100, 8820);
  std::copy(tone.begin(), tone.end(), x.begin() + 4410);  // 0.1 - 0.3 s
  dir.write("t.wav", train::wav_bytes(x, 44100, train::WavFormat::Float32));
  const CommandResult r = run_dgen("analyze t.wav", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("f0: 440.00 Hz (A4 +0 cents)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 note:\n  0.100 - 0.300 s"), std::string::npos) << r.out;
  const CommandResult j = run_dgen("analyze t.wav --json", dir);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const Json a = Json::parse(j.out);
  EXPECT_NEAR(a["f0"].get<double>(), 440, 0.3);
  EXPECT_NEAR(a["notes"][0]["on"].get<double>(), 4410, 3);
  EXPECT_EQ(run_dgen("analyze missing.wav", dir).exit_code, 1);
}

// Three bounded params of which the target only depends on amp and freq: tempo is held
// by the patch (@trainable false), and gate passes the loss only through a comparison.
constexpr const char* kChoice =
    "(param amp @default 0.2 @min 0 @max 1)\n"
    "(param freq @default 440 @min 400 @max 480)\n"
    "(param tempo @default 120 @min 40 @max 240 @trainable false)\n"
    "(param gate @default 0.5 @min 0 @max 1)\n"
    "(param free @default 3)\n"
    "(out (* amp (gt gate 0.1) (sin (* twopi (phasor freq)))) 1)\n";

Json plan_of(const CommandResult& r) { return Json::parse(lines(r.out).at(0)); }

std::vector<std::string> names(const Json& list) {
  std::vector<std::string> out;
  for (const Json& p : list) out.push_back(p["name"]);
  return out;
}

TEST(CliTrain, PlanSaysWhatIsTrainedFrozenAndCannotLearn) {
  TempDir dir;
  dir.write("choice.lisp", kChoice);
  write_target(dir, "target.wav", 44100, 2048);
  const CommandResult r =
      run_dgen("train choice.lisp --target target.wav --job-dir job --loss mse --epochs 2", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json plan = plan_of(r);
  EXPECT_EQ(names(plan["params"]), (std::vector<std::string>{"amp", "freq"}));
  EXPECT_EQ(plan["frozen"],
            (Json{{{"name", "tempo"}, {"value", 120.0}, {"reason", "@trainable false"}},
                  {{"name", "free"}, {"value", 3.0}, {"reason", "has no @min and @max"}}}));
  EXPECT_EQ(plan["cannot_learn"],
            (Json{{{"name", "gate"},
                   {"reason",
                    "every path to the loss passes through an op without a derivative ('gt')"}}}));
  const Json result = Json::parse(read_file(dir / "job/result.json"));
  EXPECT_EQ(result["frozen"], plan["frozen"]);
  EXPECT_EQ(result["cannot_learn"], plan["cannot_learn"]);
  EXPECT_FALSE(result["params"].contains("gate"));
}

TEST(CliTrain, SetFreezeAndTrainChooseTheTrainedParams) {
  TempDir dir;
  dir.write("choice.lisp", kChoice);
  write_target(dir, "target.wav", 44100, 2048);
  const std::string base = "train choice.lisp --target target.wav --job-dir job --loss mse ";
  // --set holds a value (tempo is otherwise held at its default by @trainable false).
  CommandResult r = run_dgen(base + "--epochs 3 --set amp=0.3 --set tempo=90", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json plan = plan_of(r);
  EXPECT_EQ(names(plan["params"]), std::vector<std::string>{"freq"});
  EXPECT_EQ(plan["frozen"][0],
            (Json{{"name", "amp"}, {"value", 0.3}, {"reason", "held by --set"}}));
  EXPECT_EQ(plan["frozen"][1],
            (Json{{"name", "tempo"}, {"value", 90.0}, {"reason", "held by --set"}}));
  for (const std::string& line : lines(r.out)) {
    const Json e = Json::parse(line);
    if (e["event"] == "epoch") {
      EXPECT_FALSE(e["params"].contains("amp"));
    }
  }
  EXPECT_EQ(Json::parse(read_file(dir / "job/params.json"))["params"].size(), 1u);
  // --freeze holds the seed value.
  r = run_dgen(base + "--epochs 1 --freeze freq", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(names(plan_of(r)["params"]), std::vector<std::string>{"amp"});
  EXPECT_EQ(plan_of(r)["frozen"][0]["reason"], "--freeze");
  // --train names the trained params, overriding @trainable false.
  r = run_dgen(base + "--epochs 1 --train amp,tempo", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(names(plan_of(r)["params"]), std::vector<std::string>{"amp"});
  EXPECT_EQ(names(plan_of(r)["cannot_learn"]), std::vector<std::string>{"tempo"});
  EXPECT_EQ(plan_of(r)["frozen"][0],
            (Json{{"name", "freq"}, {"value", 440.0}, {"reason", "not named by --train"}}));
  // Contradictions and unknown names are one-line errors.
  r = run_dgen(base + "--train amp --freeze amp", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "dgen train: param 'amp' is both trained (--train) and frozen (--freeze)\n");
  r = run_dgen(base + "--train free", dir);
  EXPECT_EQ(r.err, "dgen train: param 'free' needs both @min and @max to be trained\n");
  r = run_dgen(base + "--freeze nope", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the patch has no param named 'nope'"), std::string::npos) << r.err;
  r = run_dgen(base + "--freeze amp,freq", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.substr(0, 36), "dgen train: no param can learn; 'gat") << r.err;
}

TEST(CliTrain, AUserErrorIsAnErrorEventAndOneLine) {
  TempDir dir;
  dir.write("free.lisp", "(param amp @default 0.1)\n(out (* amp (phasor 440)) 1)\n");
  write_target(dir, "target.wav", 44100, 4096);  // long enough for every mrstft size
  const CommandResult r = run_dgen("train free.lisp --target target.wav --job-dir job", dir);
  EXPECT_EQ(r.exit_code, 1);
  const std::string message = "the patch has no params to train: give a param both @min and @max";
  EXPECT_EQ(r.out, "{\"event\":\"error\",\"message\":\"" + message + "\"}\n");
  EXPECT_EQ(r.err, "dgen train: " + message + "\n");
  EXPECT_EQ(list_dir(dir / "job"), std::vector<std::string>{});
}

TEST(CliTrain, AFailedTrainingLeavesNoEmptyJobDirectory) {
  TempDir dir;
  dir.write("amp.lisp", kAmp);
  write_target(dir, "target.wav", 44100, 512);
  // The program fails to compile after the job directory was made.
  const CommandResult r =
      run_program("/usr/bin/env",
                  "DGEN_CC=false " DGEN_BINARY_DIR
                  "/dgen train amp.lisp --target target.wav --job-dir out/job --backend c",
                  dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out")) << r.err;
}

TEST(CliTrain, BadOptionsAreUsageErrors) {
  TempDir dir;
  dir.write("amp.lisp", kAmp);
  write_target(dir, "target.wav", 44100, 512);
  EXPECT_EQ(
      run_dgen("train amp.lisp --target target.wav --job-dir j --loss spectral:100", dir).exit_code,
      2);
  EXPECT_EQ(run_dgen("train amp.lisp --target target.wav --job-dir j --lanes 0", dir).exit_code, 2);
  EXPECT_EQ(run_dgen("train amp.lisp --target target.wav", dir).exit_code, 2);  // no --job-dir
  EXPECT_EQ(run_dgen("grad amp.lisp --target target.wav --loss huber", dir).exit_code, 2);
}

}  // namespace
}  // namespace dgen::test
#endif

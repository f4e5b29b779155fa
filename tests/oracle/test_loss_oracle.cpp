// Every loss's value and gradient against an independent float64 oracle: the same losses
// written in PyTorch (tests/oracle/loss_oracle.py), over sweeps of params of several
// patches, at window sizes 64 … 4096 and hops 1, 2, a non-divisor of the size, size / 4
// and the size (docs/TRAINING.md "Losses"). Skipped when no python with torch is found
// (DGEN_ORACLE_PYTHON, /usr/bin/python3, python3).
//
// The patches read their sources (a sine's phase, a saw, white noise) from input
// channels that the oracle reads too, so both compute the same function of the same
// float32 samples: what is compared is the loss and its gradient, not the rounding of a
// 1000-radian sine argument.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <numbers>
#include <optional>
#include <random>

#include "cli/cli_support.hpp"
#include "dgen/dgen.hpp"
#include "dgen/grad.hpp"
#include "dgen/perceptual_losses.hpp"
#include "support.hpp"

namespace dgen {
namespace {

using nlohmann::json;

constexpr double kSampleRate = 44100, kTwoPi = 2 * std::numbers::pi;

// A python that can import torch and numpy, or nothing.
std::optional<std::string> torch_python() {
  std::vector<std::string> candidates{"/usr/bin/python3", "python3"};
  if (const char* env = std::getenv("DGEN_ORACLE_PYTHON"))
    candidates.insert(candidates.begin(), env);
  for (const std::string& python : candidates) {
    const std::string probe = "'" + python + "' -c 'import torch, numpy' > /dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return python;
  }
  return std::nullopt;
}

#define REQUIRE_ORACLE(python)                                                   \
  const std::optional<std::string> python = torch_python();                      \
  if (!python)                                                                   \
    GTEST_SKIP() << "no python with torch and numpy (install python3-torch, or " \
                    "set DGEN_ORACLE_PYTHON): the oracle comparison is skipped";

// A loss as dgen builds it and as the oracle's JSON names it.
struct LossCase {
  std::string kind;  // mse, l1, spectral, mrstft, logmel, loudness
  int64_t n = 0, hop = 0;
  static constexpr int64_t kBands = 40;  // logmel's
  Value build(const Value& a, const Value& b, int64_t frames) const {
    if (kind == "mse") return mse(a, b);
    if (kind == "l1") return l1(a, b);
    if (kind == "spectral") return spectral_loss(a, b, {.n = n, .hop = hop});
    if (kind == "logmel")
      return logmel_loss(
          a, b,
          {.n = n, .hop = hop, .bands = kBands, .sample_rate = kSampleRate, .frames = frames});
    if (kind == "loudness") return loudness_loss(a, b, {.n = n, .hop = hop, .frames = frames});
    return mrstft_loss(a, b, {.frames = frames});
  }
  json spec() const {
    json s{{"kind", kind}, {"eps_rel", SpectralOptions{}.eps}};
    if (kind == "spectral" || kind == "logmel" || kind == "loudness") s["n"] = n, s["hop"] = hop;
    if (kind == "logmel") s["bands"] = kBands;
    if (kind == "mrstft") s["sizes"] = MrstftOptions{}.sizes;
    return s;
  }
};

// A patch with params, fed by named input signals (channel 2, 3, ...); channel 1 is the
// target.
struct Patch {
  json spec;  // the oracle's description of the patch
  std::vector<Param> params;
  Value output;
  std::vector<std::pair<std::string, std::vector<float>>> inputs;  // in channel order from 2
};

struct Comparison {
  std::vector<json> cases;
  std::vector<double> losses;
  std::vector<std::vector<double>> grads;  // per case, per param
};

// Runs the sweep through dgen (one compiled program per loss) and the oracle, and checks
// that they agree to 1%: the loss, and each gradient relative to the larger of itself
// and 1e-3 of the largest gradient of that param in the sweep (a gradient that crosses
// zero is judged against the sweep's scale).
void compare_with_oracle(const std::string& python, const Patch& patch,
                         const std::vector<float>& target, const std::vector<LossCase>& losses,
                         const std::vector<std::vector<float>>& sweep,
                         Backend backend = Backend::C) {
  const auto frames = int64_t(target.size());
  json signals{{"target", target}};
  std::vector<InputChannel> inputs{{1, target}};
  for (size_t k = 0; k < patch.inputs.size(); ++k) {
    signals[patch.inputs[k].first] = patch.inputs[k].second;
    inputs.push_back({int(k) + 2, patch.inputs[k].second});
  }
  Comparison got;
  for (const LossCase& loss : losses) {
    RenderOptions options{.sample_rate = kSampleRate, .backend = backend};
    GradProgram program(loss.build(patch.output, in(1), frames), options);
    for (const std::vector<float>& point : sweep) {
      json params = json::object();
      for (size_t i = 0; i < patch.params.size(); ++i) {
        Param p = patch.params[i];  // a handle on the patch's param
        p.set(point[i]);
        p.zero_grad();
        params[p.name()] = double(point[i]);
      }
      got.losses.push_back(program.run(frames, inputs));
      got.grads.emplace_back();
      for (const Param& p : patch.params) got.grads.back().push_back(p.grad()[0]);
      got.cases.push_back({{"patch", patch.spec},
                           {"params", params},
                           {"target", "target"},
                           {"loss", loss.spec()},
                           {"sample_rate", kSampleRate}});
    }
  }
  test::TempDir dir;
  const std::string request =
      dir.write("cases.json", json{{"signals", signals}, {"cases", got.cases}}.dump());
  const std::string script = std::string(DGEN_SOURCE_DIR) + "/tests/oracle/loss_oracle.py";
  const test::CommandResult r =
      test::run_program(python, "'" + script + "' '" + request + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json results = json::parse(r.out).at("results");
  ASSERT_EQ(results.size(), got.cases.size());

  std::vector<double> scale(patch.params.size(), 0.0);
  for (const json& want : results)
    for (size_t i = 0; i < patch.params.size(); ++i)
      scale[i] = std::max(scale[i], std::fabs(want["grads"][patch.params[i].name()].get<double>()));
  const bool verbose = std::getenv("DGEN_ORACLE_VERBOSE") != nullptr;
  for (size_t c = 0; c < results.size(); ++c) {
    SCOPED_TRACE(got.cases[c]["loss"].dump() + " at " + got.cases[c]["params"].dump());
    if (verbose)
      std::printf("%s at %s: loss %.6g oracle %.6g, grads %s oracle %s\n",
                  got.cases[c]["loss"].dump().c_str(), got.cases[c]["params"].dump().c_str(),
                  got.losses[c], results[c]["loss"].get<double>(),
                  json(got.grads[c]).dump().c_str(), results[c]["grads"].dump().c_str());
    const double want_loss = results[c]["loss"];
    EXPECT_NEAR(got.losses[c], want_loss, 0.01 * std::fabs(want_loss));
    for (size_t i = 0; i < patch.params.size(); ++i) {
      const std::string& name = patch.params[i].name();
      const double want = results[c]["grads"][name];
      // Losses summed per loss over the sweep's points of the same loss; the floor is per
      // loss too: 1e-3 of the largest |gradient| of the param.
      const double floor = 1e-3 * scale[i];
      EXPECT_NEAR(got.grads[c][i], want, 0.01 * std::max(std::fabs(want), floor)) << name;
    }
  }
}

// y = sin(2π (phase[t] + f · time[t])): phase is the exact phase of a sine at `hz`
// (reduced to [0, 1) in double), time = t / sr, and the param f moves the frequency
// away from `hz`.
Patch sine_patch(double hz, int64_t frames) {
  Param f("f", 0.0f);
  std::vector<float> phase, time;
  for (int64_t t = 0; t < frames; ++t) {
    const double cycles = hz * double(t) / kSampleRate;
    phase.push_back(float(cycles - std::floor(cycles)));
    time.push_back(float(double(t) / kSampleRate));
  }
  return {{{"kind", "sine"}, {"phase", "phase"}, {"time", "time"}},
          {f},
          sin(kTwoPi * (in(2) + f * in(3))),
          {{"phase", phase}, {"time", time}}};
}

std::vector<float> sine(double hz, int64_t frames) {
  std::vector<float> x;
  for (int64_t t = 0; t < frames; ++t)
    x.push_back(float(std::sin(kTwoPi * hz * double(t) / kSampleRate)));
  return x;
}

// The cookbook low-pass of `source` (channel 2) with params cutoff and q.
Patch lowpass_patch(std::vector<float> source) {
  Param cutoff("cutoff", 1000.0f), q("q", 0.707f);
  return {{{"kind", "biquad"}, {"input", "source"}},
          {cutoff, q},
          biquad(in(2), cutoff, q, 1.0, 0),
          {{"source", std::move(source)}}};
}

std::vector<float> rendered(const Value& v, int64_t frames,
                            const std::vector<InputChannel>& inputs) {
  RenderOptions o{.sample_rate = kSampleRate, .backend = Backend::Interp};
  Program p({v}, o);
  p.run(frames, inputs);
  return {p.output(0).begin(), p.output(0).end()};
}

// A sine against a 440 Hz sine, its frequency at even integers (where the old loss's
// gradient spiked), a half-integer and a quarter Hz above each, with windows and hops of
// every kind. mse and l1 not at 380 Hz: that sine and the target cross exactly (a = b at
// t = 735k), where l1 has a kink.
//
// A hop-1 loss sums the kinks of |mₐ − m_b| over every window: its gradient is rough on
// the scale of 1e-4 Hz, and the float32 sine the C backend computes (a rounding of
// 5e-7) moves it by up to 1 % at some points with a 64-point window (fed the same float32
// signal, the C backend matches the interpreter to 2e-5). The sine's hop-1 case is 128
// points, where that stays below 0.1 %; the saw has 1024 points at hop 1.
TEST(LossOracle, SineFrequency) {
  REQUIRE_ORACLE(python);
  const int64_t frames = 8192;
  const std::vector<float> target = sine(440, frames);
  std::vector<LossCase> losses{{"mrstft"},
                               {"spectral", 128, 1},
                               {"spectral", 64, 2},
                               {"spectral", 256, 64},
                               {"spectral", 512, 100},
                               {"spectral", 2048, 512},
                               {"spectral", 4096, 4096}};
  for (double hz : {376.0, 379.5, 380.0}) {
    SCOPED_TRACE("sine at " + std::to_string(hz) + " Hz");
    std::vector<LossCase> these = losses;
    if (hz != 380.0) these.insert(these.end(), {{"mse"}, {"l1"}});
    compare_with_oracle(*python, sine_patch(hz, frames), target, these, {{0.0f}, {0.25f}});
  }
}

// A naive (not band-limited) 110 Hz saw through a low-pass, against the same saw through
// a low-pass at 1500 Hz, q 2: the cutoff and the resonance swept.
TEST(LossOracle, SawThroughLowpass) {
  REQUIRE_ORACLE(python);
  const int64_t frames = 8192;
  std::vector<float> saw;
  for (int64_t t = 0; t < frames; ++t) {
    const double cycles = 110.0 * double(t) / kSampleRate;
    saw.push_back(float(2 * (cycles - std::floor(cycles)) - 1));
  }
  const Patch patch = lowpass_patch(saw);
  const std::vector<float> target =
      rendered(biquad(in(2), 1500.0, 2.0, 1.0, 0), frames, {{2, saw}});
  const std::vector<LossCase> losses{{"mse"},
                                     {"l1"},
                                     {"mrstft"},
                                     {"spectral", 1024, 1},
                                     {"spectral", 4096, 1000},
                                     {"spectral", 256, 256}};
  compare_with_oracle(*python, patch, target, losses,
                      {{800.0f, 0.7f}, {1400.0f, 1.5f}, {2500.0f, 4.0f}});
}

// White noise (a fixed seed, rendered here, so the oracle filters the same samples)
// through a low-pass, against the noise through a low-pass at 3000 Hz.
TEST(LossOracle, NoiseThroughLowpass) {
  REQUIRE_ORACLE(python);
  const int64_t frames = 8192;
  const std::vector<float> noise = test::random_uniform(frames, 11);
  const Patch patch = lowpass_patch(noise);
  const std::vector<float> target =
      rendered(biquad(in(2), 3000.0, 0.9, 1.0, 0), frames, {{2, noise}});
  const std::vector<LossCase> losses{{"mrstft"},
                                     {"spectral", 64, 2},
                                     {"spectral", 512, 3},
                                     {"spectral", 2048, 2048},
                                     {"spectral", 4096, 1024}};
  compare_with_oracle(*python, patch, target, losses, {{1000.0f, 0.6f}, {5000.0f, 1.2f}});
}

// The log-mel and loudness-envelope losses (docs/TRAINING.md "Losses") at hops 1, 2, a
// non-divisor of the size, size / 4 and the size: a sine's frequency (log-mel only: two
// full-scale sines have the same loudness, where |L_a - L_b| has its kink), and a low-pass
// of a saw (cutoff and resonance).
TEST(LossOracle, LogMelAndLoudness) {
  REQUIRE_ORACLE(python);
  const int64_t frames = 8192;
  const std::vector<LossCase> logmel{{"logmel", 128, 1},
                                     {"logmel", 512, 2},
                                     {"logmel", 1024, 100},
                                     {"logmel", 2048, 512},
                                     {"logmel", 1024, 1024}};
  compare_with_oracle(*python, sine_patch(380.0, frames), sine(440, frames), logmel,
                      {{0.0f}, {0.25f}});
  std::vector<LossCase> losses = logmel;
  losses.insert(losses.end(), {{"loudness", 128, 1},
                               {"loudness", 256, 2},
                               {"loudness", 1024, 300},
                               {"loudness", 2048, 512},
                               {"loudness", 512, 512}});
  std::vector<float> saw;
  for (int64_t t = 0; t < frames; ++t) {
    const double cycles = 110.0 * double(t) / kSampleRate;
    saw.push_back(float(2 * (cycles - std::floor(cycles)) - 1));
  }
  const std::vector<float> target =
      rendered(biquad(in(2), 1500.0, 2.0, 1.0, 0), frames, {{2, saw}});
  compare_with_oracle(*python, lowpass_patch(saw), target, losses,
                      {{800.0f, 0.7f}, {2500.0f, 4.0f}});
}

// The interpreter (float64 throughout) against the oracle, on the losses whose
// transforms are cheap enough for it.
TEST(LossOracle, InterpreterSine) {
  REQUIRE_ORACLE(python);
  const int64_t frames = 2048;
  const std::vector<LossCase> losses{{"spectral", 64, 1}, {"spectral", 256, 7}, {"mse"}};
  compare_with_oracle(*python, sine_patch(380, frames), sine(440, frames), losses, {{0.0f}},
                      Backend::Interp);
}

}  // namespace
}  // namespace dgen

#include "workloads.hpp"

#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <span>
#include <vector>

#include "dgen/patch.hpp"
#include "record.hpp"

namespace dgen_gpu_bench {
namespace {
using namespace dgen;

constexpr double kRate = 48000;
constexpr double kTargetCutoff = 400;  // common.TARGET_CUTOFF

RenderOptions options(const Settings& s, int lanes) {
  return {.sample_rate = kRate, .backend = s.backend, .lanes = lanes, .fast_math = s.fast_math};
}

// A record of `workload` on the settings' backend, marked "math": "fast" under --fast-math.
Record record_of(const Settings& s, const std::string& workload) {
  Record r(s.backend_name, workload);
  if (s.fast_math) r.field("math", std::string("fast"));
  return r;
}

// common.lane_spread: base + width · l / lanes.
std::vector<float> lane_spread(int lanes, double base, double width) {
  std::vector<float> v(static_cast<size_t>(lanes));
  for (int l = 0; l < lanes; ++l) v[size_t(l)] = float(base + width * l / lanes);
  return v;
}

std::vector<float> uniform_noise(int64_t frames, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> x(static_cast<size_t>(frames));
  for (float& v : x) v = u(rng);
  return x;
}

std::vector<float> sine(int64_t frames, double freq, double amplitude) {
  std::vector<float> x(static_cast<size_t>(frames));
  for (int64_t i = 0; i < frames; ++i)
    x[size_t(i)] = float(amplitude * std::sin(2 * std::numbers::pi * freq * double(i) / kRate));
  return x;
}

bool write_f32(const std::string& path, std::span<const float> samples) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(samples.data(), sizeof(float), samples.size(), f) == samples.size();
  return std::fclose(f) == 0 && ok;
}

// Runs one figure's work; a dgen::Error (a backend that is not there, memory) becomes a
// record with the message, so the other figures still run.
template <class F>
void guarded(const Settings& s, const std::string& workload, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    record_of(s, workload).field("error", e.what()).print();
  }
}

struct TvBiquadGraph {
  Param cutoff{"cutoff", 1000.0f}, q{"q", 1.0f};
  Value output() const {
    const Value sweep = cutoff * (1.0 + 0.5 * sin(2.0 * std::numbers::pi * phasor(3.0)));
    return biquad(in(1), sweep, q, 1.0, 0);
  }
};

struct Voice {
  lisp::Patch patch;
  explicit Voice(const std::string& path) : patch(lisp::load_patch_file(path)) {}
  Param param(const std::string& name) const {
    for (const auto& info : patch.params)
      if (info.param.name() == name) return info.param;
    throw Error("voice: no param '" + name + "'");
  }
  Value audio() const { return patch.outputs.at(0); }
  // Every trainable param one value per lane at its default, the cutoff spread over the
  // lanes (common.voice_params).
  void spread_over(int lanes) {
    for (const auto& info : patch.params)
      if (info.param.data()->trainable)
        Param(info.param).set_per_lane(std::vector<float>(size_t(lanes), info.default_value));
    param("cutoff").set_per_lane(lane_spread(lanes, 180.0, 400.0));
  }
  std::vector<float> render(double cutoff, int64_t frames) {
    param("cutoff").set(float(cutoff));
    Program program({audio()}, {.sample_rate = kRate, .backend = Backend::C});
    program.run(frames);
    const std::span<const float> out = program.output(0);
    return {out.begin(), out.end()};
  }
  Value loss(int64_t frames) const {
    MrstftOptions o;
    o.frames = frames;
    return mrstft_loss(audio(), in(2), o);
  }
};

}  // namespace

void tv_biquad(const Settings& s, int lanes, int64_t frames) {
  const std::vector<float> x = uniform_noise(frames, 7), target = sine(frames, 220, 0.3);
  const std::vector<InputChannel> inputs{{1, x}, {2, target}};
  auto record = [&](const char* mode) {
    return record_of(s, "tv_biquad")
        .field("mode", mode)
        .field("B", lanes)
        .field("N", double(frames));
  };
  guarded(s, "tv_biquad", [&] {
    TvBiquadGraph g;
    g.cutoff.set_per_lane(lane_spread(lanes, 500.0, 4000.0));
    g.q.set_per_lane(lane_spread(lanes, 0.707, 2.0));
    {
      Program program({g.output()}, options(s, lanes));
      record("fwd")
          .timing(median_of([&] { program.run(frames, inputs); }, s.warmup, s.reps))
          .print();
    }
    // On the GPU, also the render left in GPU memory, as the peers' figures are.
    if (s.backend == Backend::Cuda) {
      RenderOptions o = options(s, lanes);
      o.outputs_on_device = true;
      Program program({g.output()}, o);
      record("fwd_on_device")
          .timing(median_of([&] { program.run(frames, inputs); }, s.warmup, s.reps))
          .print();
    }
    GradProgram grad(mse(g.output(), in(2)), options(s, lanes), {.input_grads = true});
    record("fwdbwd").timing(median_of([&] { grad.run(frames, inputs); }, s.warmup, s.reps)).print();
  });
}

void mrstft(const Settings& s, int lanes, int64_t frames) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  std::vector<float> a(static_cast<size_t>(frames)), b(static_cast<size_t>(frames));
  for (size_t i = 0; i < a.size(); ++i) a[i] = normal(rng), b[i] = normal(rng);
  const std::vector<InputChannel> inputs{{1, a}, {2, b}};
  guarded(s, "mrstft", [&] {
    Param gain("gain", 1.0f);
    gain.set_per_lane(lane_spread(lanes, 0.5, 1.0));
    MrstftOptions o;
    o.frames = frames;
    // The gradient of the prediction's input, as the peers differentiate theirs (the
    // target's side is not differentiated there either).
    GradProgram grad(mrstft_loss(in(1) * gain, in(2), o), options(s, lanes),
                     {.input_grads = true, .input_grad_channels = {1}});
    record_of(s, "mrstft")
        .field("mode", "fwdbwd")
        .field("B", lanes)
        .field("N", double(frames))
        .timing(median_of([&] { grad.run(frames, inputs); }, s.warmup, s.reps))
        .print();
  });
}

void voice_step(const Settings& s, int lanes, int64_t frames, int scale_to) {
  guarded(s, "voice_step", [&] {
    Voice voice(s.patch_path);
    const std::vector<float> target = voice.render(kTargetCutoff, frames);
    voice.spread_over(lanes);
    GradProgram grad(voice.loss(frames), options(s, lanes));
    const std::vector<InputChannel> inputs{{2, target}};
    const Timing t = median_of([&] { grad.run(frames, inputs); }, 1, s.reps);
    Record r = record_of(s, "voice_step");
    r.field("mode", "fwdbwd").field("N", double(frames)).field("measured_lanes", lanes);
    if (scale_to > lanes) {
      const double scale = double(scale_to) / lanes;
      r.field("B", scale_to).field("ms", t.wall_ms * scale).field("cpu_ms", t.cpu_ms * scale);
      r.field("measured_ms", t.wall_ms).field("extrapolated", "lanes");
    } else {
      r.field("B", lanes).timing(t);
    }
    r.print();
  });
}

void dump_references(const Settings& s, const std::string& dir, int64_t frames) {
  guarded(s, "dump", [&] {
    Voice voice(s.patch_path);
    const std::vector<float> target = voice.render(kTargetCutoff, frames);
    const std::vector<float> audio = voice.render(180.0, frames);
    GradProgram loss(voice.loss(frames), {.sample_rate = kRate, .backend = Backend::C});
    const double value = loss.forward(frames, {{2, target}});

    TvBiquadGraph g;
    g.cutoff.set(1000.0f);
    g.q.set(2.0f);
    const std::vector<float> x = uniform_noise(frames, 7);
    Program biquad({g.output()}, {.sample_rate = kRate, .backend = Backend::C});
    biquad.run(frames, {{1, x}});
    if (!write_f32(dir + "/voice.f32", audio) || !write_f32(dir + "/target.f32", target) ||
        !write_f32(dir + "/biquad_x.f32", x) || !write_f32(dir + "/biquad_y.f32", biquad.output(0)))
      throw Error("cannot write the references into " + dir);
    Record("c", "dump").field("N", double(frames)).field("voice_loss", value).print();
  });
}

}  // namespace dgen_gpu_bench

// dgen render PATCH: renders the patch's outputs (one channel per out) to an audio file
// in the format its extension names, or to standard output (SPEC §7, docs/CLI.md). The
// render runs and is written in blocks, so memory does not grow with its length, and a
// non-finite sample fails it unless --allow-nonfinite.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "command.hpp"
#include "progress.hpp"
#include "render_output.hpp"
#include "run_options.hpp"

namespace dgen::cli {
namespace {

// Frames per Program::run: 256 KiB per channel, a multiple of the compiled code's
// block of 256 frames, long enough that a block's overhead is negligible.
constexpr int64_t kBlockFrames = 1 << 16;

struct RenderArgs {
  std::string patch, output, format, backend = "auto";
  bool fast_math = false;
  bool allow_nonfinite = false;
  ParamSettings params;
  StreamOptions stream;
};

struct NonFinite {
  int64_t frame = 0;
  size_t output = 0;
  float value = 0;
};

std::optional<NonFinite> first_nonfinite(std::span<const float> interleaved, size_t channels,
                                         int64_t start) {
  for (size_t i = 0; i < interleaved.size(); ++i)
    if (!std::isfinite(interleaved[i]))
      return NonFinite{start + int64_t(i / channels), i % channels, interleaved[i]};
  return std::nullopt;
}

int64_t count_outside_unit(std::span<const float> interleaved) {
  int64_t n = 0;
  for (const float x : interleaved) n += std::abs(x) > 1.0f;
  return n;
}

// "out channel 2 (boom) is inf at frame 16 (0.002 s)"
std::string describe(const NonFinite& bad, const lisp::Patch& patch, int sample_rate) {
  const lisp::PortInfo& port = patch.output_ports[bad.output];
  char when[64];
  std::snprintf(when, sizeof when, "%.6g s", double(bad.frame) / sample_rate);
  return "out channel " + std::to_string(port.channel) +
         (port.name.empty() ? "" : " (" + port.name + ")") + " is " +
         (std::isnan(bad.value) ? "nan"
          : bad.value > 0       ? "inf"
                                : "-inf") +
         " at frame " + std::to_string(bad.frame) + " (" + when + ")";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

// Writes the outputs of the last run, frame by frame, into `interleaved`.
void interleave(const Program& program, int64_t frames, std::vector<float>& interleaved) {
  const size_t n = program.output_count();
  interleaved.resize(size_t(frames) * n);
  for (size_t k = 0; k < n; ++k) {
    const std::span<const float> samples = program.output(k);
    for (size_t t = 0; t < size_t(frames); ++t) interleaved[t * n + k] = samples[t];
  }
}

// What the blocks of a render held that deserves a word after it.
struct RenderReport {
  std::optional<NonFinite> nonfinite;  // the first, when allowed
  int64_t clipped = 0;                 // samples outside [-1, 1] in an integer format
};

// Runs `program` over the stream block by block, each block going on from the state
// the last left, and writes every block to `out` before the next runs.
RenderReport render_blocks(Program& program, const Stream& stream, RenderOutput& out,
                           const lisp::Patch& patch, bool allow_nonfinite) {
  RenderReport report;
  Progress progress("dgen render", stream.frames, stream.sample_rate);
  std::vector<std::vector<float>> scratch;
  std::vector<float> interleaved;
  for (int64_t start = 0; start < stream.frames; start += kBlockFrames) {
    const int64_t count = std::min(kBlockFrames, stream.frames - start);
    program.run(count, stream.block(start, count, scratch));
    interleave(program, count, interleaved);
    if (!report.nonfinite) {
      report.nonfinite = first_nonfinite(interleaved, program.output_count(), start);
      if (report.nonfinite && !allow_nonfinite)
        throw Error(describe(*report.nonfinite, patch, stream.sample_rate) + "; " +
                    (out.streamed
                         ? std::to_string(start) + " frames went to " + out.name + " before it"
                         : "nothing was written") +
                    " (--allow-nonfinite writes it anyway)");
    }
    if (out.clips) report.clipped += count_outside_unit(interleaved);
    out.write(interleaved);
    progress.update(start + count);
  }
  out.finish();
  return report;
}

int render(const RenderArgs& args) {
  lisp::Patch patch = lisp::load_patch_file(args.patch);
  apply_params(args.params, patch);
  check_scalar_outputs(patch);
  const Stream stream = resolve_stream(args.stream, patch);
  if (stream.frames == 0)
    throw Error("nothing to render: the length is 0 frames (" +
                (args.stream.seconds_option->count()
                     ? "--seconds rounds to no frame"
                     : "the longest of --in " + join(args.stream.inputs) + " has none") +
                ")");
  OutputRequest request{args.output, args.format, int(patch.outputs.size()), stream.sample_rate,
                        stream.frames};
  if (request.path.empty())
    request.path = std::filesystem::path(args.patch).stem().string() +
                   (args.format == "f32" ? ".f32" : ".wav");
  const std::unique_ptr<RenderOutput> out = open_render_output(request);

  RenderOptions options;
  options.sample_rate = stream.sample_rate;
  options.backend = parse_backend(args.backend);
  options.fast_math = args.fast_math;
  options.preserve_state = true;  // each block goes on from the last
  Program program(patch.outputs, options);
  const RenderReport report = render_blocks(program, stream, *out, patch, args.allow_nonfinite);

  if (report.nonfinite)
    std::fprintf(stderr, "dgen render: warning: %s; written as it is (--allow-nonfinite)\n",
                 describe(*report.nonfinite, patch, stream.sample_rate).c_str());
  if (report.clipped > 0)
    std::fprintf(stderr,
                 "dgen render: warning: %lld samples outside [-1, 1] were clipped (%s holds "
                 "integer samples; .wav holds float)\n",
                 static_cast<long long>(report.clipped), out->format.c_str());
  return kExitOk;
}

}  // namespace

Command render_command() {
  return {"render", "Render a patch's outputs to audio", [](CLI::App& app) -> Action {
            auto args = std::make_shared<RenderArgs>();
            args->stream.pad_inputs = false;  // taken block by block
            app.add_option("patch", args->patch, "The patch (.lisp)")->required();
            app.add_option("-o,--output", args->output,
                           "Output file, in the format its extension names (.wav .flac .aiff "
                           ".caf .ogg .mp3 ...), or - for standard output (default: PATCH's "
                           "name with .wav or .f32, in the current directory)")
                ->type_name("OUT");
            add_stream_options(app, args->stream);
            add_tail_option(app, args->stream);
            add_param_options(app, args->params);
            add_backend_option(app, args->backend);
            add_fast_math_option(app, args->fast_math);
            app.add_option("--format", args->format,
                           "wav: 32-bit float WAV (the default for standard output); f32: raw "
                           "little-endian float32, interleaved (default: by OUT's extension)")
                ->check(CLI::IsMember({"wav", "f32"}));
            app.add_flag("--allow-nonfinite", args->allow_nonfinite,
                         "Write NaN and infinite samples instead of failing");
            return [args] { return render(*args); };
          }};
}

}  // namespace dgen::cli

// dgen render PATCH: renders the patch's outputs to a 32-bit float WAV (one channel
// per out) or to raw float32 (SPEC §7).
#include <filesystem>
#include <memory>

#include "atomic_file.hpp"
#include "command.hpp"
#include "io/audio_file.hpp"
#include "run_options.hpp"

namespace dgen::cli {
namespace {

struct RenderArgs {
  std::string patch, output, format = "wav", backend = "auto";
  ParamSettings params;
  StreamOptions stream;
};

int render(const RenderArgs& args) {
  lisp::Patch patch = lisp::load_patch_file(args.patch);
  apply_params(args.params, patch);
  check_scalar_outputs(patch);
  const Stream stream = resolve_stream(args.stream, patch);
  RenderOptions options;
  options.sample_rate = stream.sample_rate;
  options.backend = parse_backend(args.backend);
  Program program(patch.outputs, options);
  program.run(stream.frames, stream.channels());

  std::vector<std::span<const float>> channels;
  for (size_t k = 0; k < program.output_count(); ++k) channels.push_back(program.output(k));
  const std::string bytes = args.format == "f32"
                                ? io::encode_f32_interleaved(channels)
                                : io::encode_wav_float(channels, stream.sample_rate);
  const std::string output =
      args.output.empty() ? std::filesystem::path(args.patch).stem().string() + "." + args.format
                          : args.output;
  write_output(output, bytes);
  return kExitOk;
}

}  // namespace

Command render_command() {
  return {
      "render", "Render a patch's outputs to audio", [](CLI::App& app) -> Action {
        auto args = std::make_shared<RenderArgs>();
        app.add_option("patch", args->patch, "The patch (.lisp)")->required();
        app.add_option(
               "-o,--output", args->output,
               "Output file, or - for standard output (default: PATCH's name with .wav or .f32, "
               "in the current directory)")
            ->type_name("OUT");
        add_stream_options(app, args->stream);
        add_param_options(app, args->params);
        add_backend_option(app, args->backend);
        app.add_option("--format", args->format,
                       "wav: 32-bit float WAV; f32: raw little-endian float32, interleaved")
            ->check(CLI::IsMember({"wav", "f32"}))
            ->default_str("wav");
        return [args] { return render(*args); };
      }};
}

}  // namespace dgen::cli

// Tensor creation (SPEC §2.4): literals written in the patch or read from JSON, and the
// fills zeros, ones, full, randn, iota.
#include <filesystem>

#include "lisp/audio_data.hpp"
#include "lisp/builtins.hpp"
#include "lisp/limits.hpp"

namespace dgen::lisp {
namespace {

std::string resolve_path(const Call& c, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || c.context().base_dir.empty()) return path;
  return (std::filesystem::path(c.context().base_dir) / p).string();
}

// @resample R: the rate in Hz an audio file is resampled to (none: its own rate).
std::optional<double> resample_rate(Call& c) {
  if (!c.has("resample")) return std::nullopt;
  constexpr double kMaxRate = 768000;
  const double rate = c.attr_number("resample", 0);
  if (!(rate >= 1 && rate <= kMaxRate))
    c.fail_at(c.attr_pos("resample"), c.op() + ": @resample must be a sample rate in Hz (1 to " +
                                          format_number(kMaxRate) + "), got " +
                                          format_number(rate));
  return rate;
}

// The file of @file (or @default-file): an audio file or JSON.
TensorData file_contents(Call& c, const char* name, AudioLayout layout) {
  const std::string path = resolve_path(c, c.attr_word(name, ""));
  if (is_audio_path(path)) return tensor_from_audio_file(path, layout, resample_rate(c));
  if (c.has("resample"))
    c.fail_at(c.attr_pos("resample"), c.op() + ": @resample applies to audio files, not JSON");
  return tensor_from_json_file(path);
}

// Which of the ways to give contents this form uses (at most one).
std::optional<TensorData> given_contents(Call& c, size_t positional) {
  std::vector<std::string> sources;
  if (positional < c.size()) sources.push_back("a [list] argument");
  for (const char* name : {"data", "init", "file", "default-file"})
    if (c.has(name)) sources.push_back(std::string("@") + name);
  if (sources.size() > 1)
    c.fail(c.op() + ": give the contents once, not both as " + sources[0] + " and as " +
           sources[1]);
  if (sources.empty()) return std::nullopt;
  try {
    if (positional < c.size()) return tensor_from_list(c.arg(positional));
    for (const char* name : {"data", "init"})
      if (c.has(name)) {
        const Datum d = c.attr(name);
        if (d.is_number()) return TensorData{{}, {float(d.number())}};
        return tensor_from_list(d);
      }
    return file_contents(c, c.has("file") ? "file" : "default-file", AudioLayout::FrameRows);
  } catch (const Error& e) {
    const Pos at = positional < c.size() ? c.arg_pos(positional) : c.attr_pos(sources[0].substr(1));
    c.fail_at(at, c.op() + ": " + e.what());
  }
}

// (audio-tensor @file F [@resample R]): one row per channel, [channels, frames].
Datum audio_tensor_builtin(Call& c) {
  if (!c.has("file")) c.fail(c.op() + " needs @file \"name.wav\"");
  TensorData data;
  try {
    data = file_contents(c, "file", AudioLayout::ChannelRows);
  } catch (const Error& e) {
    c.fail_at(c.attr_pos("file"), c.op() + ": " + e.what());
  }
  c.charge_elements(int64_t(data.values.size()));
  return tensor(data.shape, std::move(data.values));
}

Shape dims_from_args(Call& c, size_t first, size_t end) {
  if (end == first + 1) return c.shape(first);
  Shape shape;
  for (size_t i = first; i < end; ++i) shape.push_back(c.integer(i, 1, kMaxElements));
  return c.as_shape(Datum(List{std::vector<Datum>(shape.begin(), shape.end())}), c.arg_pos(first),
                    c.op() + ": shape");
}

Datum fill(Call& c, const Shape& shape, double value) {
  c.charge_elements(numel(shape));
  return full(shape, value);
}

Datum tensor_builtin(Call& c) {
  TensorData data = literal_contents(c, 0);
  if (data.values.empty()) c.fail(c.op() + " needs @shape, @data or @file");
  return tensor(data.shape, std::move(data.values));
}

Datum randn_builtin(Call& c) {
  const Shape shape = c.shape(0);
  if (c.size() > 1 && c.has("seed"))
    c.fail_at(c.attr_pos("seed"), "randn: seed is given both as argument 2 and as @seed");
  const int64_t seed =
      c.size() > 1 ? c.integer(1, 0, 0xFFFFFFFF) : c.attr_integer("seed", 0, 0, 0xFFFFFFFF);
  c.charge_elements(numel(shape));
  return randn(shape, static_cast<uint32_t>(seed));
}

// (iota n [start step]): start, start + step, … (n values).
Datum iota_builtin(Call& c) {
  const int64_t n = c.integer(0, 1, kMaxElements);
  const double start = c.size() > 1 ? c.number(1) : 0.0, step = c.size() > 2 ? c.number(2) : 1.0;
  c.charge_elements(n);
  std::vector<float> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[size_t(i)] = float(start + step * double(i));
  return tensor({n}, std::move(values));
}

}  // namespace

TensorData literal_contents(Call& c, size_t positional) {
  std::optional<TensorData> data = given_contents(c, positional);
  if (!c.has("shape")) {
    if (!data) return {};
    c.charge_elements(int64_t(data->values.size()));
    return std::move(*data);
  }
  const Shape shape = c.attr_shape("shape");
  c.charge_elements(numel(shape));
  if (!data) return {shape, std::vector<float>(size_t(numel(shape)), 0.0f)};
  if (int64_t(data->values.size()) != numel(shape))
    c.fail_at(c.attr_pos("shape"), c.op() + ": @shape " + to_string(shape) + " needs " +
                                       std::to_string(numel(shape)) + " values, the data has " +
                                       std::to_string(data->values.size()));
  data->shape = shape;
  return std::move(*data);
}

void add_tensor_builtins(Builtins& t) {
  t.add("tensor", tensor_builtin, 0, 1,
        "(tensor @shape [d …] @data [v …]) or (tensor @shape [d …] @file \"x.json\") or "
        "(tensor [[…] …])",
        {"shape", "data", "file", "resample"});
  t.alias("wavetable", "tensor");
  t.add("audio-tensor", audio_tensor_builtin, 0, 0, "(audio-tensor @file \"x.wav\" [@resample hz])",
        {"file", "resample"});
  t.alias("ir", "audio-tensor");
  t.add(
      "zeros", [](Call& c) { return fill(c, dims_from_args(c, 0, c.size()), 0.0); }, 1, SIZE_MAX,
      "(zeros [d …])");
  t.add(
      "ones", [](Call& c) { return fill(c, dims_from_args(c, 0, c.size()), 1.0); }, 1, SIZE_MAX,
      "(ones [d …])");
  t.add(
      "full",
      [](Call& c) { return fill(c, dims_from_args(c, 0, c.size() - 1), c.number(c.size() - 1)); },
      2, SIZE_MAX, "(full [d …] value)");
  t.add("randn", randn_builtin, 1, 2, "(randn [d …] [seed])", {"seed"});
  t.add("iota", iota_builtin, 1, 3, "(iota n [start step])");
}

}  // namespace dgen::lisp
